using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Host.Dashboard;

/// <summary>What a dashboard request gets.</summary>
public enum DashboardDecision
{
    Allow,

    /// <summary>The dashboard is off: 404, as if it did not exist.</summary>
    NotFound,

    /// <summary>A token is configured and the request did not present it: 401 with a Bearer challenge (RFC 6750 §3).</summary>
    Unauthorized,

    /// <summary>No token is configured and the client is not on this machine: 403.</summary>
    Forbidden,
}

/// <summary>
/// Who may see GET /dashboard and /dashboard/feed. Disabled → 404. Enabled with a token → the token as
/// <c>?token=</c> (EventSource cannot set headers) or <c>Authorization: Bearer</c> (RFC 6750 §2.1), compared in
/// constant time. Enabled without a token → loopback clients only, and a request relayed by a proxy
/// (Forwarded / X-Forwarded-For / X-Real-IP) is not a loopback client even when the proxy runs on this machine.
/// </summary>
public static class DashboardAccess
{
    private static readonly string[] ForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Real-IP"];

    /// <summary>The decision for one request, from its parts (pure, so every branch is testable without a socket).</summary>
    /// <param name="peer">The TCP peer's address.</param>
    /// <param name="forwarded">Whether the request carries a proxy's forwarding header.</param>
    /// <param name="queryToken">The last <c>token</c> query argument, if any.</param>
    /// <param name="authorization">The Authorization header, if any.</param>
    public static DashboardDecision Decide(DashboardSettings settings, IPAddress? peer, bool forwarded, string? queryToken, string? authorization)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled) return DashboardDecision.NotFound;
        if (settings.RequiresToken)
        {
            var presented = queryToken ?? BearerToken(authorization);
            return presented is not null && TokensEqual(presented, settings.Token) ? DashboardDecision.Allow : DashboardDecision.Unauthorized;
        }
        if (peer is { IsIPv4MappedToIPv6: true }) peer = peer.MapToIPv4();
        return !forwarded && peer is not null && IPAddress.IsLoopback(peer) ? DashboardDecision.Allow : DashboardDecision.Forbidden;
    }

    /// <summary>The decision for a request as the handlers see it.</summary>
    public static DashboardDecision Decide(DashboardSettings settings, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var forwarded = ForwardingHeaders.Any(h => request.Headers.Get(h) is not null);
        var query = request.QueryArguments.TryGetValue("token", out var values) && values.Count > 0 ? values[^1] : null;
        return Decide(settings, request.RemoteEndPoint?.Address, forwarded, query, request.Headers.Get("Authorization"));
    }

    /// <summary>The credentials of <c>Bearer &lt;token&gt;</c>; the scheme is case-insensitive (RFC 9110 §11.1).</summary>
    internal static string? BearerToken(string? authorization)
    {
        if (authorization is null) return null;
        var value = authorization.AsSpan().Trim();
        const string scheme = "Bearer ";
        if (value.Length <= scheme.Length || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = value[scheme.Length..].TrimStart();
        return token.Length == 0 ? null : token.ToString();
    }

    /// <summary>
    /// Equal tokens, in time that depends on neither the tokens' contents nor where they first differ: both are
    /// hashed to fixed-length digests, which are compared with <see cref="CryptographicOperations.FixedTimeEquals"/>.
    /// </summary>
    internal static bool TokensEqual(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
