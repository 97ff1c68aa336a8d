using System.Text;

namespace Hub.Http.Codec;

/// <summary>
/// Common header names as shared string instances. Parsed names that match one (case-insensitively) become that
/// instance, so a keep-alive connection allocates no name strings for ordinary requests and lookups can compare
/// references first.
/// </summary>
internal static class KnownHeaders
{
    public const string Host = "Host";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string TransferEncoding = "Transfer-Encoding";
    public const string Connection = "Connection";
    public const string Expect = "Expect";
    public const string Upgrade = "Upgrade";
    public const string Cookie = "Cookie";
    public const string AcceptEncoding = "Accept-Encoding";
    public const string Date = "Date";
    public const string Server = "Server";
    public const string Location = "Location";
    public const string Allow = "Allow";
    public const string SetCookie = "Set-Cookie";
    public const string ContentEncoding = "Content-Encoding";
    public const string Vary = "Vary";

    private static readonly string[] Names =
    [
        Host, ContentLength, ContentType, TransferEncoding, Connection, Expect, Upgrade, Cookie, AcceptEncoding,
        ContentEncoding, "Accept", "Accept-Language", "Accept-Charset", "User-Agent", "Referer", "Origin",
        "Authorization", "Cache-Control", "Pragma", "If-None-Match", "If-Modified-Since", "If-Match",
        "If-Unmodified-Since", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Real-IP",
        "X-Requested-With", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
        "Sec-WebSocket-Protocol", "Last-Event-ID", "Range", "Keep-Alive", "TE", "Trailer", "X-XSRFToken",
        "X-CSRFToken",
        // What current browsers send on every navigation, so a typical request allocates no name strings.
        "Upgrade-Insecure-Requests", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Sec-Fetch-User",
        "Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform", "DNT", "Priority",
    ];

    // Names grouped by length: a parsed name is compared only with the few known names of its own length.
    private static readonly string[][] ByLength = BuildByLength();

    /// <summary>The shared instance for a known name (any letter case), else a new string.</summary>
    public static string Intern(ReadOnlySpan<byte> name)
    {
        if (name.Length < ByLength.Length)
            foreach (var candidate in ByLength[name.Length])
                if (Ascii.EqualsIgnoreCase(name, candidate)) return candidate;
        return Encoding.ASCII.GetString(name);
    }

    private static string[][] BuildByLength()
    {
        var max = 0;
        foreach (var n in Names) max = Math.Max(max, n.Length);
        var buckets = new string[max + 1][];
        for (var len = 0; len <= max; len++) buckets[len] = Array.FindAll(Names, n => n.Length == len);
        return buckets;
    }
}

/// <summary>Standard method names as shared instances (RFC 9110 §9), compared by reference on the hot path.</summary>
internal static class KnownMethods
{
    public const string Get = "GET";
    public const string Head = "HEAD";
    public const string Post = "POST";
    public const string Put = "PUT";
    public const string Patch = "PATCH";
    public const string Delete = "DELETE";
    public const string Options = "OPTIONS";

    private static readonly string[] Methods = [Get, Head, Post, Put, Patch, Delete, Options, "CONNECT", "TRACE"];
    private static readonly byte[][] MethodBytes = Methods.Select(Encoding.ASCII.GetBytes).ToArray();

    /// <summary>Methods are case-sensitive (RFC 9110 §9.1): "get" is a different, unknown method.</summary>
    public static string Intern(ReadOnlySpan<byte> method)
    {
        for (var i = 0; i < MethodBytes.Length; i++)
            if (method.SequenceEqual(MethodBytes[i])) return Methods[i];
        return Encoding.ASCII.GetString(method);
    }
}
