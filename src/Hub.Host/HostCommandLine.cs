using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Hub.Host;

/// <summary>
/// Hub.Host's flags (System.CommandLine 2.0). <see cref="Read"/> turns a parse into <see cref="HostOptions"/>,
/// keeping "not typed" apart from "typed the default" so configuration files can set what the operator did not.
/// </summary>
public sealed class HostCommandLine
{
    public HostCommandLine()
    {
        Set.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
                if (token.Value.IndexOf('=') <= 0) r.AddError($"--set expects key=value, got '{token.Value}'");
        });

        Root = new RootCommand("Hub.Host: the Hub HTTP server with its demo application (/, /async, /api, /stream, /items, /proxy, /health).\n" +
                               "Configuration layers, highest first: --set, the other flags, --config FILE, hocon/hub.conf, Hub's reference.conf.\n" +
                               "Exit codes: 0 after a graceful stop (SIGINT/SIGTERM), 1 when the server cannot start, 2 for a bad command line.")
        {
            Port, Bind, Config, Set, ProxyUpstream, MaxBodySize, MaxHeaderSize, IdleTimeout, WsMaxMessageSize,
            ClusterPort, Seed, PublicHost, MetricsPort, Dashboard, DashboardToken,
            TlsPort, TlsCert, TlsKey, TlsPfx, TlsPfxPasswordFile,
        };
    }

    public RootCommand Root { get; }

    public Option<int> Port { get; } = new("--port")
    {
        Description = "TCP port to listen on (hub.server.port); 0 picks a free port",
        DefaultValueFactory = _ => HostOptions.DefaultPort,
        CustomParser = r => ParseNumber(r, "--port", 0, 65535, "an integer between 0 and 65535", s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
    };

    public Option<string> Bind { get; } = new("--bind")
    {
        Description = "Interface to listen on, an IP address or host name (hub.server.hostname)",
        DefaultValueFactory = _ => HostOptions.DefaultBind,
    };

    public Option<string> Config { get; } = new("--config")
    {
        Description = "HOCON file layered over hocon/hub.conf",
        HelpName = "FILE",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "HOCON override key=value, e.g. --set hub.http.keep-alive-timeout=30s (repeatable, highest priority)",
        HelpName = "key=value",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> ProxyUpstream { get; } = new("--proxy-upstream")
    {
        Description = "URL that GET /proxy fetches and relays (without it /proxy answers 503)",
        HelpName = "URL",
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (ParseUpstream(text) is null) r.AddError($"--proxy-upstream must be an absolute http:// or https:// URL, got '{text}'");
            return text;
        },
    };

    public Option<long> MaxBodySize { get; } = new("--max-body-size")
    {
        Description = "Largest request body in bytes; larger gets 413 (hub.http.max-request-body-size)",
        HelpName = "BYTES",
        CustomParser = r => ParseNumber(r, "--max-body-size", 0, long.MaxValue, "a number of bytes >= 0", ParseLong),
    };

    public Option<long> MaxHeaderSize { get; } = new("--max-header-size")
    {
        Description = "Largest request line and largest header block in bytes; larger gets 414/431 " +
                      "(hub.http.max-request-line-size and max-request-headers-total-size)",
        HelpName = "BYTES",
        CustomParser = r => ParseNumber(r, "--max-header-size", 1, int.MaxValue, $"a number of bytes in [1, {int.MaxValue}]", ParseLong),
    };

    public Option<double> IdleTimeout { get; } = new("--idle-timeout")
    {
        Description = "Seconds an idle connection stays open, and the deadline for receiving a whole request head " +
                      "(hub.http.keep-alive-timeout and request-headers-timeout)",
        HelpName = "SECONDS",
        CustomParser = r => ParseNumber(r, "--idle-timeout", 0.001, 365 * 24 * 3600, "a positive number of seconds (at most a year)", s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null),
    };

    public Option<long> WsMaxMessageSize { get; } = new("--ws-max-message-size")
    {
        Description = "Largest WebSocket message in bytes; larger closes the socket with 1009 (hub.websocket.max-message-size)",
        HelpName = "BYTES",
        CustomParser = r => ParseNumber(r, "--ws-max-message-size", 1, long.MaxValue, "a number of bytes >= 1", ParseLong),
    };

    public Option<int> ClusterPort { get; } = new("--cluster-port")
    {
        Description = "Join a cluster: Akka remoting port of this node (hocon/cluster.conf is layered in; 0 picks a free port)",
        HelpName = "PORT",
        CustomParser = r => ParseNumber(r, "--cluster-port", 0, 65535, "a port in [0, 65535]", s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
    };

    public Option<string[]> Seed { get; } = new("--seed")
    {
        Description = "A seed node as host:port (repeatable; the first node may name itself)",
        HelpName = "HOST:PORT",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = r =>
        {
            var seeds = r.Tokens.Select(t => t.Value).ToArray();
            foreach (var seed in seeds)
                if (ParseSeed(seed) is null) r.AddError($"--seed must be host:port, got '{seed}'");
            return seeds;
        },
    };

    public Option<int> MetricsPort { get; } = new("--metrics-port")
    {
        Description = "Serve Prometheus metrics at http://<hostname>:PORT/metrics (hub.host.metrics.prometheus; " +
                      "hostname defaults to 127.0.0.1)",
        HelpName = "PORT",
        CustomParser = r => ParseNumber(r, "--metrics-port", 1, 65535, "a port in [1, 65535]", s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
    };

    public Option<bool> Dashboard { get; } = new("--dashboard")
    {
        Description = "Serve the live dashboard at /dashboard (hub.host.dashboard.enabled); without a token only to " +
                      "loopback clients",
    };

    public Option<string> DashboardToken { get; } = new("--dashboard-token")
    {
        Description = "Token /dashboard requires as ?token= or Authorization: Bearer (hub.host.dashboard.token); " +
                      "implies --dashboard",
        HelpName = "TOKEN",
        Validators =
        {
            r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (text.Length == 0 || text.Trim() != text) r.AddError("--dashboard-token must be non-empty, without surrounding whitespace");
            },
        },
    };

    public Option<int> TlsPort { get; } = new("--tls-port")
    {
        Description = "Also listen for HTTPS and WSS on this port (hub.host.tls-port; default 8443 once a certificate is " +
                      "given); needs --tls-cert and --tls-key, or --tls-pfx",
        CustomParser = r => ParseNumber(r, "--tls-port", 0, 65535, "an integer between 0 and 65535", s =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
    };

    public Option<string> TlsCert { get; } = new("--tls-cert")
    {
        Description = "PEM certificate of the TLS listener, leaf first (hub.tls.certificate)",
        HelpName = "FILE",
    };

    public Option<string> TlsKey { get; } = new("--tls-key")
    {
        Description = "PEM private key of --tls-cert (hub.tls.key)",
        HelpName = "FILE",
    };

    public Option<string> TlsPfx { get; } = new("--tls-pfx")
    {
        Description = "PKCS#12 certificate and key of the TLS listener, instead of --tls-cert/--tls-key (hub.tls.pfx)",
        HelpName = "FILE",
    };

    public Option<string> TlsPfxPasswordFile { get; } = new("--tls-pfx-password-file")
    {
        Description = "File whose first line is the --tls-pfx password (hub.tls.pfx-password-file)",
        HelpName = "FILE",
    };

    public Option<string> PublicHost { get; } = new("--public-host")
    {
        Description = "Host name other cluster nodes use to reach this one (default: --bind)",
        HelpName = "HOST",
    };

    internal static (string Host, int Port)? ParseSeed(string seed)
    {
        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || colon == seed.Length - 1) return null;
        if (!int.TryParse(seed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return null;
        var host = seed[..colon].Trim('[', ']');
        return host.Length == 0 || host.Any(char.IsWhiteSpace) ? null : (host, port);
    }

    /// <summary>The options of a parse without errors.</summary>
    public HostOptions Read(ParseResult parse) => new()
    {
        Port = Given(parse, Port) ? parse.GetValue(Port) : null,
        Bind = Given(parse, Bind) ? parse.GetValue(Bind) : null,
        ConfigFile = parse.GetValue(Config),
        Overrides = parse.GetValue(Set) ?? [],
        ProxyUpstream = ParseUpstream(parse.GetValue(ProxyUpstream)),
        MaxBodySize = Given(parse, MaxBodySize) ? parse.GetValue(MaxBodySize) : null,
        MaxHeaderSize = Given(parse, MaxHeaderSize) ? parse.GetValue(MaxHeaderSize) : null,
        IdleTimeout = Given(parse, IdleTimeout) ? TimeSpan.FromSeconds(parse.GetValue(IdleTimeout)) : null,
        WsMaxMessageSize = Given(parse, WsMaxMessageSize) ? parse.GetValue(WsMaxMessageSize) : null,
        ClusterPort = Given(parse, ClusterPort) ? parse.GetValue(ClusterPort) : null,
        Seeds = parse.GetValue(Seed) ?? [],
        PublicHost = parse.GetValue(PublicHost),
        MetricsPort = Given(parse, MetricsPort) ? parse.GetValue(MetricsPort) : null,
        Dashboard = Given(parse, Dashboard) ? parse.GetValue(Dashboard) : null,
        DashboardToken = parse.GetValue(DashboardToken),
        TlsPort = Given(parse, TlsPort) ? parse.GetValue(TlsPort) : null,
        TlsCert = parse.GetValue(TlsCert),
        TlsKey = parse.GetValue(TlsKey),
        TlsPfx = parse.GetValue(TlsPfx),
        TlsPfxPasswordFile = parse.GetValue(TlsPfxPasswordFile),
    };

    /// <summary>One token parsed and range-checked; a bad one becomes a parse error naming the flag.</summary>
    private static T ParseNumber<T>(ArgumentResult r, string flag, T min, T max, string expected, Func<string, T?> parse)
        where T : struct, IComparable<T>
    {
        var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (parse(text) is { } value && value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0) return value;
        r.AddError($"{flag} must be {expected}, got '{text}'");
        return default;
    }

    private static long? ParseLong(string s) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static Uri? ParseUpstream(string? text) =>
        text is not null && Uri.TryCreate(text, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : null;
}
