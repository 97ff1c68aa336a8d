using Hub.Host;

namespace Hub.Browser.Tests.Support;

/// <summary>
/// The real Hub.Host demo started in-process through <see cref="HostRunner.StartAsync"/> (same configuration
/// layers, routes and pages as the executable) on 127.0.0.1, on an ephemeral port or on a given one (to restart a
/// server where a page expects it).
/// </summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private BrowserHost(RunningHost host) => Host = host;

    public RunningHost Host { get; }

    public int Port => Host.Binding.Port;

    public Uri Url => Host.Url;

    /// <param name="port">0 for a free port.</param>
    /// <param name="overrides">HOCON key=value, e.g. "hub.host.dashboard.enabled=on".</param>
    public static async Task<BrowserHost> StartAsync(int port = 0, params string[] overrides)
    {
        var options = new HostOptions
        {
            Port = port,
            Bind = "127.0.0.1",
            Overrides = ["akka.loglevel=WARNING", .. overrides],
        };
        return new BrowserHost(await HostRunner.StartAsync(options));
    }

    /// <summary>The demo with an HTTPS/WSS listener (--tls-port) beside the plain one, on <paramref name="certificate"/>.</summary>
    public static async Task<BrowserHost> StartWithTlsAsync(TestCertificate certificate) =>
        new(await HostRunner.StartAsync(new HostOptions
        {
            Port = 0,
            Bind = "127.0.0.1",
            TlsPort = 0,
            TlsCert = certificate.CertFile,
            TlsKey = certificate.KeyFile,
            Overrides = ["akka.loglevel=WARNING"],
        }));

    /// <summary>https://127.0.0.1:port of the TLS listener (only for <see cref="StartWithTlsAsync"/>).</summary>
    public Uri TlsUrl => Host.TlsUrl ?? throw new InvalidOperationException("this host has no TLS listener");

    /// <summary>
    /// Starts a server on <paramref name="port"/>, which a server of this process just released; retried for a few
    /// seconds in case the old listener's socket is not closed yet.
    /// </summary>
    public static async Task<BrowserHost> StartOnPortAsync(int port, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await StartAsync(port);
            }
            catch (HostStartupException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Stops the server gracefully; safe to call again.</summary>
    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Host.WhenStopped.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
