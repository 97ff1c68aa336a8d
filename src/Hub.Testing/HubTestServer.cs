using System.Net.WebSockets;
using Akka.Actor;
using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Testing;

/// <summary>
/// An <see cref="Application"/> served for a test (Tornado's <c>AsyncHTTPTestCase</c>, ASP.NET Core's
/// <c>WebApplicationFactory</c>): its own ActorSystem, a free port on 127.0.0.1, an <see cref="HttpClient"/> and a
/// <see cref="ClientWebSocket"/> factory bound to it. Disposing it stops the server gracefully within
/// <see cref="HubTestServerOptions.StopTimeout"/>. No test framework is involved: use it from xUnit, NUnit or MSTest.
/// <code>
/// await using var server = await HubTestServer.StartAsync(new Application(r => r.Map&lt;MainHandler&gt;("/")));
/// Assert.Equal("Hello, world", await server.Client.GetStringAsync("/"));
/// </code>
/// </summary>
public sealed class HubTestServer : IAsyncDisposable
{
    /// <summary>Under the caller's HOCON: loopback, an ephemeral port, quiet logs, a short drain.</summary>
    private static readonly Config Defaults = ConfigurationFactory.ParseString("""
        hub.server { hostname = "127.0.0.1", port = 0 }
        hub.shutdown.drain-timeout = 3s
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """);

    private readonly HubTestServerOptions _options;
    private int _disposed;

    private HubTestServer(ActorSystem system, HubBinding binding, HubTestServerOptions options)
    {
        System = system;
        Binding = binding;
        _options = options;
        BaseAddress = new Uri($"http://127.0.0.1:{binding.Port}/");
        Client = CreateClient();
    }

    /// <summary>Starts <paramref name="application"/>; <paramref name="configure"/> adds HOCON or changes the bounds.</summary>
    public static async Task<HubTestServer> StartAsync(Application application, Action<HubTestServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        var options = new HubTestServerOptions();
        configure?.Invoke(options);
        var config = Defaults;
        foreach (var hocon in options.Hocon) config = ConfigurationFactory.ParseString(hocon).WithFallback(config);
        var system = ActorSystem.Create(options.SystemName ?? "hub-test-" + Guid.NewGuid().ToString("N")[..8],
            config.WithFallback(HubSettings.DefaultConfig()));
        try
        {
            return new HubTestServer(system, await HubServer.StartAsync(system, application).ConfigureAwait(false), options);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The server's ActorSystem (for rooms: <c>Hub.Hosting.HubExtension.Get(server.System).Rooms</c>).</summary>
    public ActorSystem System { get; }

    /// <summary>The listener: its port, settings and open connections.</summary>
    public HubBinding Binding { get; }

    public int Port => Binding.Port;

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the server (relative URIs resolve against <see cref="BaseAddress"/>; follows redirects,
    /// keeps cookies). Disposed with the server.</summary>
    public HttpClient Client { get; }

    /// <summary>Another client, e.g. one that shows redirects (<paramref name="allowAutoRedirect"/> false) or sends
    /// only the cookies a test sets itself (<paramref name="useCookies"/> false). The caller disposes it.</summary>
    public HttpClient CreateClient(bool allowAutoRedirect = true, bool useCookies = true) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = allowAutoRedirect, UseCookies = useCookies })
        {
            BaseAddress = BaseAddress,
            Timeout = _options.ClientTimeout,
        };

    /// <summary>The absolute http URL of <paramref name="pathAndQuery"/>.</summary>
    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>The ws URL of <paramref name="pathAndQuery"/>.</summary>
    public Uri WebSocketUrl(string pathAndQuery) => new UriBuilder(Url(pathAndQuery)) { Scheme = "ws" }.Uri;

    /// <summary>
    /// A <see cref="ClientWebSocket"/> connected to <paramref name="pathAndQuery"/>; <paramref name="configure"/> sets
    /// subprotocols, headers (cookies) or compression before the handshake. Throws <see cref="WebSocketException"/>
    /// when the server refuses the upgrade. The caller disposes it.
    /// </summary>
    public async Task<ClientWebSocket> ConnectWebSocketAsync(string pathAndQuery,
        Action<ClientWebSocketOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        try
        {
            configure?.Invoke(socket.Options);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ClientTimeout);
            await socket.ConnectAsync(WebSocketUrl(pathAndQuery), timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the server the way production does (CoordinatedShutdown: stop accepting, drain, terminate), bounded by
    /// <see cref="HubTestServerOptions.StopTimeout"/>; past it, the ActorSystem is terminated at once.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        Client.Dispose();
        try
        {
            await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ActorSystemTerminateReason.Instance)
                .WaitAsync(_options.StopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Whatever held the drain up (a handler that never returns) is stopped with the actors.
            _ = System.Terminate();
        }
        await System.WhenTerminated.WaitAsync(_options.StopTimeout).ConfigureAwait(false);
    }
}
