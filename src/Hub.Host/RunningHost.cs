using System.Net;
using Akka.Actor;
using Hub.Host.DemoApp;
using Hub.Host.Telemetry;

namespace Hub.Host;

/// <summary>A started host: its ActorSystem, the bound listener, and a graceful stop.</summary>
public sealed class RunningHost : IAsyncDisposable
{
    internal RunningHost(ActorSystem system, HubBinding binding, ServerState state, HostTelemetry telemetry)
    {
        System = system;
        Binding = binding;
        State = state;
        Telemetry = telemetry;
        WhenStopped = StoppedAsync(system, telemetry);
    }

    /// <summary>Logging and metrics exporters; disposed (console flushed) once the ActorSystem has terminated.</summary>
    public HostTelemetry Telemetry { get; }

    public ActorSystem System { get; }

    public HubBinding Binding { get; }

    /// <summary>The HTTPS/WSS listener beside <see cref="Binding"/> (--tls-port), or null.</summary>
    public HubBinding? TlsBinding { get; internal init; }

    /// <summary>Whether any listener speaks TLS.</summary>
    public bool HasTls => Binding.IsTls || TlsBinding is not null;

    /// <summary>https://host:port of the TLS listener, or null.</summary>
    public Uri? TlsUrl => TlsBinding?.LocalAddress is IPEndPoint ip ? new UriBuilder("https", ip.Address.ToString(), ip.Port).Uri : null;

    /// <summary>Loads every listener's certificates again (SIGHUP); failures are logged and the old ones stay.</summary>
    public void ReloadCertificates(string why)
    {
        Binding.Tls?.TryReload(why);
        TlsBinding?.Tls?.TryReload(why);
    }

    public ServerState State { get; }

    /// <summary>http://host:port as clients reach it (IPv6 literals in brackets, RFC 3986 §3.2.2).</summary>
    public Uri Url => Binding.LocalAddress switch
    {
        IPEndPoint ip => new UriBuilder(Binding.IsTls ? "https" : "http", ip.Address.ToString(), ip.Port).Uri,
        var other => new Uri((Binding.IsTls ? "https://" : "http://") + other),
    };

    /// <summary>Completes when the ActorSystem has terminated, whoever stopped it, and the telemetry is flushed.</summary>
    public Task WhenStopped { get; }

    private static async Task StoppedAsync(ActorSystem system, HostTelemetry telemetry)
    {
        await system.WhenTerminated.ConfigureAwait(false);
        telemetry.Dispose();
    }

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
