using System.Net;
using System.Net.Sockets;
using Hub.Host;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Host;

/// <summary>
/// The real Hub.Host demo started in-process through <see cref="HostRunner.StartAsync"/> (same configuration layers,
/// same routes as the executable) on 127.0.0.1 with an ephemeral port.
/// <code>await using var host = await DemoHost.StartAsync();</code>
/// </summary>
public sealed class DemoHost : IAsyncDisposable
{
    /// <summary>Keeps test output quiet; everything else comes from hocon/hub.conf as in production.</summary>
    private static readonly string[] QuietLogs = ["akka.loglevel=WARNING"];

    private DemoHost(RunningHost host)
    {
        Host = host;
        Client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
        {
            BaseAddress = host.Url,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public RunningHost Host { get; }
    public HttpClient Client { get; }
    public int Port => Host.Binding.Port;

    public static async Task<DemoHost> StartAsync(Uri? proxyUpstream = null, TimeSpan? idleTimeout = null, params string[] overrides)
    {
        var options = new HostOptions
        {
            Port = 0,
            Bind = "127.0.0.1",
            ProxyUpstream = proxyUpstream,
            IdleTimeout = idleTimeout,
            Overrides = [.. QuietLogs, .. overrides],
        };
        return new DemoHost(await HostRunner.StartAsync(options));
    }

    /// <summary>A raw TCP connection, for framing-level assertions.</summary>
    public async Task<RawConnection> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, Port);
        return new RawConnection(socket);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Host.WhenStopped.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
