using System.Net;
using Akka.Actor;
using Hub.Configuration;
using Hub.Server.Hosting;
using Hub.Server;

namespace Hub;

/// <summary>
/// Starts Hub in any <see cref="ActorSystem"/> — its own, or an application's that already runs other actors.
/// <code>
/// var system = ActorSystem.Create("app", HubSettings.LoadConfig("hocon/hub.conf"));
/// var binding = await HubServer.StartAsync(system, app);
/// Console.WriteLine($"listening on {binding.LocalAddress}");
/// </code>
/// Stopping is CoordinatedShutdown's job: the server unbinds in service-unbind, drains in-flight requests
/// (up to hub.shutdown.drain-timeout) in service-requests-done and aborts stragglers in service-stop.
/// </summary>
public static class HubServer
{
    private static int _listeners;

    /// <summary>Binds hub.server.hostname:port (or <paramref name="settings"/>'s) and returns once bound.</summary>
    public static async Task<HubBinding> StartAsync(ActorSystem system, Application application, HubSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(application);
        settings ??= HubSettings.FromConfig(system.Settings.Config.WithFallback(HubSettings.DefaultConfig()));
        var bound = new TaskCompletionSource<EndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var name = "hub-listener-" + Interlocked.Increment(ref _listeners);
        var endpoint = await ResolveAsync(settings.Server).ConfigureAwait(false);
        // Certificates are loaded before binding: a bad file stops the start with an error naming its key.
        var tls = settings.Tls.Enabled ? new Tls.TlsServerContext(settings.Tls, Akka.Event.Logging.GetLogger(system, "hub.tls")) : null;
        var listener = system.ActorOf(ListenerActor.Props(application, settings, endpoint, bound, tls: tls), name);
        var local = await bound.Task.ConfigureAwait(false);
        var binding = new HubBinding(listener, local, settings) { Tls = tls };
        ShutdownTasks.Register(system, binding);
        return binding;
    }

    /// <summary>Host names are resolved once, before binding, without blocking an actor.</summary>
    private static async Task<EndPoint> ResolveAsync(ServerSettings server)
    {
        if (IPAddress.TryParse(server.Hostname, out var ip)) return new IPEndPoint(ip, server.Port);
        if (server.Hostname == "localhost") return new IPEndPoint(IPAddress.Loopback, server.Port);
        var addresses = await Dns.GetHostAddressesAsync(server.Hostname).ConfigureAwait(false);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                     ?? addresses.FirstOrDefault()
                     ?? throw new BindFailedException(new DnsEndPoint(server.Hostname, server.Port), null);
        return new IPEndPoint(chosen, server.Port);
    }
}

/// <summary>A bound Hub listener: where it listens, how many connections it holds, and how to stop it.</summary>
public sealed class HubBinding
{
    private int _unbound;

    internal HubBinding(IActorRef listener, EndPoint localAddress, HubSettings settings)
    {
        Listener = listener;
        LocalAddress = localAddress;
        Settings = settings;
    }

    /// <summary>The bound address; with port 0 in settings this carries the real port.</summary>
    public EndPoint LocalAddress { get; }

    public int Port => ((IPEndPoint)LocalAddress).Port;

    /// <summary>The certificates of a TLS listener (hub.tls.enabled = on); null for plain HTTP.</summary>
    public Tls.TlsServerContext? Tls { get; internal init; }

    /// <summary>Whether this listener speaks TLS.</summary>
    public bool IsTls => Tls is not null;

    public HubSettings Settings { get; }

    internal IActorRef Listener { get; }

    /// <summary>Open connections right now.</summary>
    public async Task<int> GetOpenConnectionsAsync()
    {
        var stats = await Listener.Ask<ListenerProtocol.Stats>(ListenerProtocol.GetStats.Instance, Settings.Server.ControlTimeout).ConfigureAwait(false);
        return stats.OpenConnections;
    }

    /// <summary>
    /// Refuses new connections from now on (each is accepted and closed at once); open connections carry on and the
    /// port stays bound until <see cref="DrainAsync"/> or <see cref="UnbindAsync"/>.
    /// </summary>
    public Task StopAcceptingAsync() =>
        Listener.Ask<ListenerProtocol.StoppedAccepting>(ListenerProtocol.StopAccepting.Instance, Settings.Server.ControlTimeout);

    /// <summary>
    /// Releases the port at once. Akka.IO ties accepted connections to their listening socket, so this also closes
    /// every open connection; use <see cref="DrainAsync"/> for a graceful stop.
    /// </summary>
    public async Task UnbindAsync()
    {
        if (Interlocked.Exchange(ref _unbound, 1) == 1) return;
        await Listener.Ask<ListenerProtocol.Unbound>(ListenerProtocol.Unbind.Instance, Settings.Server.ControlTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Graceful stop without shutting the ActorSystem down: refuse new connections, let in-flight requests finish
    /// (idle connections close, the response in progress carries Connection: close), unbind when the last connection
    /// is gone, and after <paramref name="timeout"/> (default hub.shutdown.drain-timeout) abort whatever is left.
    /// </summary>
    public async Task DrainAsync(TimeSpan? timeout = null)
    {
        var deadline = timeout ?? Settings.Shutdown.DrainTimeout;
        try
        {
            await Listener.Ask<ListenerProtocol.Drained>(ListenerProtocol.Drain.Instance, deadline).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            Listener.Tell(ListenerProtocol.AbortAll.Instance);
            await UnbindAsync().ConfigureAwait(false);
            return;
        }
        // The listener unbinds itself once lingering sockets have closed (or after a short grace).
        try
        {
            await Listener.Ask<ListenerProtocol.Unbound>(ListenerProtocol.WhenUnbound.Instance, Settings.Server.ControlTimeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            await UnbindAsync().ConfigureAwait(false);
        }
    }
}
