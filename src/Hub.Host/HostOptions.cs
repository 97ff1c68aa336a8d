namespace Hub.Host;

/// <summary>
/// What the command line asked for. Null means "not given": the value then comes from the configuration files,
/// so a flag only overrides what the operator actually typed.
/// </summary>
public sealed record HostOptions
{
    /// <summary>--port: TCP port to listen on; 0 picks a free one.</summary>
    public int? Port { get; init; }

    /// <summary>--bind: interface (IP literal or host name) to listen on.</summary>
    public string? Bind { get; init; }

    /// <summary>--config: a HOCON file layered over hocon/hub.conf.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>--set key=value, in the order given (a later one wins).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>--proxy-upstream: where GET /proxy fetches from; null answers 503.</summary>
    public Uri? ProxyUpstream { get; init; }

    /// <summary>--cluster-port: join a cluster, with Akka remoting on this port (0 picks a free one).</summary>
    public int? ClusterPort { get; init; }

    /// <summary>--seed host:port, repeatable: the cluster's seed nodes (the first node may name itself).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>--public-host: the host name other nodes use to reach this one (defaults to --bind).</summary>
    public string? PublicHost { get; init; }

    /// <summary>--metrics-port: enable the Prometheus scrape endpoint on this port (hub.host.metrics.prometheus).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>--dashboard: serve GET /dashboard (hub.host.dashboard.enabled); null leaves it to the configuration.</summary>
    public bool? Dashboard { get; init; }

    /// <summary>--dashboard-token: the token /dashboard requires (hub.host.dashboard.token); implies --dashboard.</summary>
    public string? DashboardToken { get; init; }

    /// <summary>--ws-max-message-size: hub.websocket.max-message-size in bytes.</summary>
    public long? WsMaxMessageSize { get; init; }

    /// <summary>--max-body-size: hub.http.max-request-body-size in bytes.</summary>
    public long? MaxBodySize { get; init; }

    /// <summary>--max-header-size: hub.http.max-request-line-size and max-request-headers-total-size in bytes.</summary>
    public long? MaxHeaderSize { get; init; }

    /// <summary>--idle-timeout: hub.http.keep-alive-timeout and request-headers-timeout.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>--tls-port: a TLS listener (HTTPS/WSS) on this port beside the plain one (hub.host.tls-port).</summary>
    public int? TlsPort { get; init; }

    /// <summary>--tls-cert: PEM certificate file (hub.tls.certificate).</summary>
    public string? TlsCert { get; init; }

    /// <summary>--tls-key: PEM private key file (hub.tls.key).</summary>
    public string? TlsKey { get; init; }

    /// <summary>--tls-pfx: PKCS#12 file instead of --tls-cert/--tls-key (hub.tls.pfx).</summary>
    public string? TlsPfx { get; init; }

    /// <summary>--tls-pfx-password-file: file whose first line is the PFX password (hub.tls.pfx-password-file).</summary>
    public string? TlsPfxPasswordFile { get; init; }

    /// <summary>Defaults shown by --help; they sit just above reference.conf, so any configuration file overrides them.</summary>
    public const int DefaultPort = 8888;

    public const string DefaultBind = "127.0.0.1";
}
