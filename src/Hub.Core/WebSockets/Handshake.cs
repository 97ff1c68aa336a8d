using System.Security.Cryptography;
using System.Text;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.WebSockets;

/// <summary>The opening handshake checks of RFC 6455 §4.2.1 and the Sec-WebSocket-Accept value of §4.2.2.</summary>
internal static class Handshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Why an upgrade request is refused, with the status to answer.</summary>
    public readonly record struct Refusal(int Status, string Reason);

    /// <summary>Null when the request is a valid WebSocket upgrade; otherwise the refusal.</summary>
    public static Refusal? Validate(RequestHead head)
    {
        if (!ReferenceEquals(head.Method, KnownMethods.Get) || head.Version != Http.HttpVersion.Http11)
            return new Refusal(400, "WebSocket upgrade needs an HTTP/1.1 GET");
        if (!head.Headers.HasToken(KnownHeaders.Upgrade, "websocket"))
            return new Refusal(400, "Can \"Upgrade\" only to \"WebSocket\"");
        if (!head.Headers.HasToken(KnownHeaders.Connection, "upgrade"))
            return new Refusal(400, "\"Connection\" must be \"Upgrade\"");
        var versions = head.Headers.GetAll("Sec-WebSocket-Version");
        if (versions.Count != 1 || versions[0].Trim() != "13")
            return new Refusal(426, "Unsupported WebSocket version");
        var keys = head.Headers.GetAll("Sec-WebSocket-Key");
        if (keys.Count != 1 || !IsValidKey(keys[0].Trim()))
            return new Refusal(400, "Invalid Sec-WebSocket-Key");
        return null;
    }

    /// <summary>Sec-WebSocket-Key must be base64 of exactly 16 bytes (§4.1).</summary>
    public static bool IsValidKey(string key)
    {
        if (key.Length != 24) return false;
        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out var n) && n == 16;
    }

    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + Guid)));

    /// <summary>The subprotocols the client offered, in its order of preference.</summary>
    public static IReadOnlyList<string> OfferedSubprotocols(HttpHeaders headers)
    {
        var result = new List<string>();
        foreach (var line in headers.GetAll("Sec-WebSocket-Protocol"))
            foreach (var p in line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (HttpChars.IsToken(p)) result.Add(p);
        return result;
    }
}
