using System.Net;
using Hub.Http;

namespace Hub.Handlers;

/// <summary>
/// Tornado's xheaders, limited to configured proxies: when the TCP peer is trusted, the client address comes from
/// the right-most untrusted entry of X-Forwarded-For (else X-Real-IP) and the scheme from X-Forwarded-Proto.
/// Anyone else's claims are ignored, so clients cannot spoof their address.
/// </summary>
internal static class ForwardedHeaders
{
    public static (string RemoteIp, string Protocol) Resolve(HttpHeaders headers, IPEndPoint? peer, IReadOnlyList<IPAddress> trusted)
    {
        var peerIp = peer is null ? "" : Normalize(peer.Address).ToString();
        if (peer is null || trusted.Count == 0 || !IsTrusted(peer.Address, trusted)) return (peerIp, "http");

        var ip = peerIp;
        var forwardedFor = headers.GetCombined("X-Forwarded-For");
        if (forwardedFor is not null)
        {
            // Walk from the nearest hop back; stop at the first address that is not one of our proxies.
            var hops = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var i = hops.Length - 1; i >= 0; i--)
            {
                if (!IPAddress.TryParse(hops[i], out var hop)) break;
                ip = Normalize(hop).ToString();
                if (!IsTrusted(hop, trusted)) break;
            }
        }
        else if (headers.Get("X-Real-IP") is { } realIp && IPAddress.TryParse(realIp.Trim(), out var real))
        {
            ip = Normalize(real).ToString();
        }

        var protocol = "http";
        var proto = headers.Get("X-Forwarded-Proto") ?? headers.Get("X-Scheme");
        if (proto is not null)
        {
            // A chain of proxies appends; the last value is the one our proxy saw.
            var last = proto.Split(',', StringSplitOptions.TrimEntries)[^1].ToLowerInvariant();
            if (last is "http" or "https") protocol = last;
        }
        return (ip, protocol);
    }

    private static bool IsTrusted(IPAddress address, IReadOnlyList<IPAddress> trusted)
    {
        var a = Normalize(address);
        foreach (var t in trusted)
            if (t.Equals(a)) return true;
        return false;
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
