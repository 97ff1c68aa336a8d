using System.Net;

namespace LoadGen;

/// <summary>A ws:// or wss:// URL (or, for the idle mode's plain HTTP connections, an http:// URL) on a loopback address: the
/// only kind the load generator accepts.</summary>
internal sealed record WsEndpoint(IPEndPoint EndPoint, string HostHeader, string PathAndQuery, string Scheme = "ws")
{
    public static WsEndpoint Parse(string url, string scheme = "ws")
    {
        // wss:// is TLS over the same kind of connection (the idle scenario measures TLS WebSockets).
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != scheme && !(scheme == "ws" && uri.Scheme == "wss")))
            throw new ArgumentException($"not a {scheme}:// URL: {url}");
        var address = uri.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(uri.Host, out var ip) ? ip
            : throw new ArgumentException($"use an IP address or localhost, not '{uri.Host}'");
        // Loopback only: a benchmark must never load a machine on the network.
        if (!IPAddress.IsLoopback(address)) throw new ArgumentException($"{address} is not a loopback address");
        var port = uri.IsDefaultPort ? (uri.Scheme == "wss" ? 443 : 80) : uri.Port;
        return new WsEndpoint(new IPEndPoint(address, port), uri.Authority, uri.PathAndQuery, uri.Scheme);
    }

    public override string ToString() => $"{Scheme}://{HostHeader}{PathAndQuery}";
}
