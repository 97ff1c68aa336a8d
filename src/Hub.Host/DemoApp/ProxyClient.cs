namespace Hub.Host.DemoApp;

/// <summary>
/// The one <see cref="HttpClient"/> every /proxy request shares: a client per request would leave a socket in
/// TIME_WAIT each time and exhaust ports under load. Connections are recycled every few minutes so DNS changes of
/// the upstream are picked up.
/// </summary>
public static class ProxyClient
{
    /// <summary>Whole-exchange budget for one upstream fetch.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Largest upstream body relayed; anything larger is a 502, not an unbounded buffer.</summary>
    public const int MaxResponseBytes = 16 * 1024 * 1024;

    public static HttpClient Shared { get; } = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = Timeout,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = Timeout,
        MaxResponseContentBufferSize = MaxResponseBytes,
    };
}
