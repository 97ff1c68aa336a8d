using System.Net;
using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>Typed view of the <c>hub { }</c> configuration block. Built once; immutable; tweak with <c>with</c>.</summary>
public sealed record HubSettings(
    ServerSettings Server,
    HttpSettings Http,
    CompressionSettings Compression,
    SecuritySettings Security,
    ShutdownSettings Shutdown)
{
    /// <summary>Reads every hub.* key from <paramref name="config"/> (which must already include the reference fallback).</summary>
    public static HubSettings FromConfig(Config config)
    {
        var hub = config.GetConfig("hub") ?? throw new ConfigurationException("missing configuration block: hub");
        return new HubSettings(
            ServerSettings.FromConfig(hub.GetConfig("server"), "hub.server"),
            HttpSettings.FromConfig(hub.GetConfig("http"), "hub.http"),
            CompressionSettings.FromConfig(hub.GetConfig("compression"), "hub.compression"),
            SecuritySettings.FromConfig(hub.GetConfig("security"), "hub.security"),
            ShutdownSettings.FromConfig(hub.GetConfig("shutdown"), "hub.shutdown"))
        {
            WebSocket = WebSocketSettings.FromConfig(hub.GetConfig("websocket"), "hub.websocket"),
            Rooms = RoomSettings.FromConfig(hub.GetConfig("rooms"), "hub.rooms"),
            Tls = TlsSettings.FromConfig(hub.GetConfig("tls"), "hub.tls"),
            Limits = LimitSettings.FromConfig(hub.GetConfig("limits"), "hub.limits"),
            Templates = TemplateSettings.FromConfig(hub.GetConfig("templates"), "hub.templates"),
            Static = StaticSettings.FromConfig(hub.GetConfig("static"), "hub.static"),
            Debug = ConfigReader.Bool(hub, "hub", "debug"),
            Transport = ReadTransport(hub),
        };
    }

    /// <summary>hub.templates.</summary>
    public TemplateSettings Templates { get; init; } = null!;

    /// <summary>hub.static.</summary>
    public StaticSettings Static { get; init; } = null!;

    /// <summary>hub.debug: error pages show the exception, its stack trace and, for templates, the template and line.</summary>
    public bool Debug { get; init; }

    /// <summary>hub.transport: what drives each accepted socket.</summary>
    public HubTransport Transport { get; init; }

    private static HubTransport ReadTransport(Config hub) => ConfigReader.String(hub, "hub", "transport") switch
    {
        "akka-io" => HubTransport.AkkaIo,
        "sockets" => HubTransport.Sockets,
        var v => throw new ConfigurationException($"hub.transport must be akka-io or sockets, was '{v}'"),
    };

    /// <summary>hub.websocket.</summary>
    public WebSocketSettings WebSocket { get; init; } = null!;

    /// <summary>hub.rooms.</summary>
    public RoomSettings Rooms { get; init; } = null!;

    /// <summary>hub.limits.</summary>
    public LimitSettings Limits { get; init; } = null!;

    /// <summary>hub.tls.</summary>
    public TlsSettings Tls { get; init; } = null!;

    /// <summary>Hub's documented defaults (hocon/reference.conf).</summary>
    public static Config DefaultConfig() => ReferenceConfig.Value;

    /// <summary>The reference defaults as settings.</summary>
    public static HubSettings Default => DefaultSettings.Value;

    /// <summary>Loads a HOCON file with Hub's reference configuration as its fallback.</summary>
    public static Config LoadConfig(string path) => ParseConfig(File.ReadAllText(path));

    /// <summary>HOCON text with Hub's reference configuration as its fallback (what <see cref="LoadConfig"/> reads).
    /// Text that Akka's parser, resolver or merge cannot handle is refused first (<see cref="HoconGuard"/>).</summary>
    internal static Config ParseConfig(string hocon)
    {
        HoconGuard.CheckText(hocon);
        var parsed = ConfigurationFactory.ParseString(hocon);
        HoconGuard.CheckSubstitutions(parsed);
        HoconGuard.CheckShape(parsed, DefaultConfig());
        return parsed.WithFallback(DefaultConfig());
    }

    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = typeof(HubSettings).Assembly.GetManifestResourceStream("Hub.Core.reference.conf")
                           ?? throw new InvalidOperationException("Hub.Core.reference.conf is not embedded");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    private static readonly Lazy<HubSettings> DefaultSettings = new(() => FromConfig(DefaultConfig()));
}

/// <summary>hub.server: the listening socket.</summary>
public sealed record ServerSettings(
    string Hostname, int Port, int Backlog, int? MaxConnections, int MaxUnackedWriteBytes, TimeSpan LingerTimeout)
{
    /// <summary>SO_SNDBUF of accepted sockets; null = kernel autotuning.</summary>
    public int? SocketSendBuffer { get; init; }

    /// <summary>SO_RCVBUF of accepted sockets; null = kernel autotuning.</summary>
    public int? SocketReceiveBuffer { get; init; }

    /// <summary>TCP_NODELAY on accepted sockets (Nagle's algorithm off).</summary>
    public bool TcpNoDelay { get; init; }

    /// <summary>hub.server.unbind-grace: during a drain, how long after the last connection closed the port is released.</summary>
    public TimeSpan UnbindGrace { get; init; }

    /// <summary>hub.server.control-timeout: how long HubServer waits for its listener to answer.</summary>
    public TimeSpan ControlTimeout { get; init; }

    internal static ServerSettings FromConfig(Config c, string path)
    {
        var s = new ServerSettings(
            Hostname: ConfigReader.String(c, path, "hostname"),
            Port: ConfigReader.Int(c, path, "port", 0, 65535),
            Backlog: ConfigReader.Int(c, path, "backlog", 1, int.MaxValue),
            MaxConnections: ConfigReader.IntOrUnlimited(c, path, "max-connections"),
            MaxUnackedWriteBytes: ConfigReader.Bytes(c, path, "max-unacked-write-bytes", 1),
            // The transport schedules a timer with it: an endless linger would hold a closed socket forever.
            LingerTimeout: ConfigReader.Duration(c, path, "linger-timeout", allowInfinite: false))
        {
            SocketSendBuffer = ConfigReader.BytesOrAuto(c, path, "socket-send-buffer"),
            SocketReceiveBuffer = ConfigReader.BytesOrAuto(c, path, "socket-receive-buffer"),
            TcpNoDelay = ConfigReader.Bool(c, path, "tcp-nodelay"),
            UnbindGrace = ConfigReader.Duration(c, path, "unbind-grace", allowInfinite: false),
            ControlTimeout = ConfigReader.Duration(c, path, "control-timeout", allowInfinite: false),
        };
        return s;
    }

    /// <summary>The endpoint to bind: an IP literal or a host name resolved once at start.</summary>
    public EndPoint ToEndPoint() => IPAddress.TryParse(Hostname, out var ip)
        ? new IPEndPoint(ip, Port)
        : new DnsEndPoint(Hostname, Port);
}

/// <summary>hub.http: HTTP/1.1 limits and timeouts.</summary>
public sealed record HttpSettings(
    int MaxRequestLineSize,
    int MaxRequestHeadersTotalSize,
    int MaxRequestHeaderCount,
    long MaxRequestBodySize,
    int BodyChunkSize,
    TimeSpan RequestHeadersTimeout,
    TimeSpan KeepAliveTimeout,
    IReadOnlyList<IPAddress> TrustedProxies,
    bool VerboseErrorMessages,
    string ServerHeader,
    bool AccessLog)
{
    internal static HttpSettings FromConfig(Config c, string path) => new(
        MaxRequestLineSize: ConfigReader.Bytes(c, path, "max-request-line-size", 16),
        MaxRequestHeadersTotalSize: ConfigReader.Bytes(c, path, "max-request-headers-total-size", 16),
        MaxRequestHeaderCount: ConfigReader.Int(c, path, "max-request-header-count", 1, 100_000),
        MaxRequestBodySize: ConfigReader.LongBytes(c, path, "max-request-body-size", 0),
        BodyChunkSize: ConfigReader.Bytes(c, path, "body-chunk-size", 1),
        RequestHeadersTimeout: ConfigReader.Duration(c, path, "request-headers-timeout"),
        KeepAliveTimeout: ConfigReader.Duration(c, path, "keep-alive-timeout"),
        TrustedProxies: ConfigReader.Addresses(c, path, "trusted-proxies"),
        VerboseErrorMessages: ConfigReader.Bool(c, path, "verbose-error-messages"),
        ServerHeader: ConfigReader.String(c, path, "server-header", allowEmpty: true),
        AccessLog: ConfigReader.Bool(c, path, "access-log"));
}

/// <summary>hub.compression: opt-in gzip/deflate of responses.</summary>
public sealed record CompressionSettings(bool Enabled, int MinSize, IReadOnlyList<string> MimeTypes,
    System.IO.Compression.CompressionLevel Level)
{
    internal static CompressionSettings FromConfig(Config c, string path) => new(
        Enabled: ConfigReader.Bool(c, path, "enabled"),
        MinSize: ConfigReader.Bytes(c, path, "min-size", 0),
        MimeTypes: ConfigReader.Strings(c, path, "mime-types"),
        Level: ConfigReader.String(c, path, "level") switch
        {
            "optimal" => System.IO.Compression.CompressionLevel.Optimal,
            "fastest" => System.IO.Compression.CompressionLevel.Fastest,
            "smallest-size" => System.IO.Compression.CompressionLevel.SmallestSize,
            var v => throw new ConfigurationException($"{path}.level must be optimal, fastest or smallest-size, was '{v}'"),
        });
}

/// <summary>hub.security: cookie signing secrets, XSRF and the login page of [Authenticated].</summary>
public sealed record SecuritySettings(IReadOnlyList<string> CookieSecrets, TimeSpan SignedCookieMaxAge, bool XsrfCookies)
{
    /// <summary>Where [Authenticated] redirects a GET without a user (with <c>?next=</c>); empty: 403 instead.</summary>
    public string LoginUrl { get; init; } = "";

    internal static SecuritySettings FromConfig(Config c, string path) => new(
        CookieSecrets: NonEmpty(ConfigReader.Strings(c, path, "cookie-secrets"), path + ".cookie-secrets"),
        SignedCookieMaxAge: ConfigReader.Duration(c, path, "signed-cookie-max-age"),
        XsrfCookies: ConfigReader.Bool(c, path, "xsrf-cookies"))
    {
        LoginUrl = ConfigReader.String(c, path, "login-url", allowEmpty: true),
    };

    // An empty HMAC key signs as well as any other: anyone could forge the cookies, so refuse it.
    private static IReadOnlyList<string> NonEmpty(IReadOnlyList<string> secrets, string key) =>
        secrets.Any(string.IsNullOrWhiteSpace) ? throw new ConfigurationException($"{key} may not contain an empty secret") : secrets;
}

/// <summary>hub.shutdown: graceful stop.</summary>
public sealed record ShutdownSettings(TimeSpan DrainTimeout)
{
    internal static ShutdownSettings FromConfig(Config c, string path) =>
        new(DrainTimeout: ConfigReader.Duration(c, path, "drain-timeout"));
}
