using System.Net;
using Akka.Actor;
using Hub.Host.DemoApp;

namespace Hub.Host;

/// <summary>A started host: its ActorSystem, the bound listener, and a graceful stop.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    internal RunningHost(ActorSystem system, HubBinding binding, ServerState state)
    {
        System = system;
        Binding = binding;
        State = state;
    }

    public ActorSystem System { get; }

    public HubBinding Binding { get; }

    public ServerState State { get; }

    /// <summary>http://host:port as clients reach it (IPv6 literals in brackets, RFC 3986 §3.2.2).</summary>
    public Uri Url => Binding.LocalAddress switch
    {
        IPEndPoint ip => new UriBuilder("http", ip.Address.ToString(), ip.Port).Uri,
        var other => new Uri("http://" + other),
    };

    /// <summary>Completes when the ActorSystem has terminated, whoever stopped it.</summary>
    public Task WhenStopped => System.WhenTerminated;

    /// <summary>
    /// Graceful stop through CoordinatedShutdown: unbind, drain in-flight requests (up to hub.shutdown.drain-timeout),
    /// abort what is left, terminate the ActorSystem. Safe to call more than once and from any thread.
    /// </summary>
    public Task StopAsync() => CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await WhenStopped.ConfigureAwait(false);
    }
}
