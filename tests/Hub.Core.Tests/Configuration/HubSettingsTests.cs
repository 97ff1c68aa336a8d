using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Hub.Configuration;

namespace Hub.Core.Tests.Configuration;

public sealed class HubSettingsTests
{
    /// <summary>
    /// Every leaf key of reference.conf, with the typed setting it feeds and the kind of value it holds. The kind
    /// tells the test how to read the file's text on its own (not through ConfigReader), so the comparison is
    /// between "what the file says" and "what HubSettings ended up with".
    /// </summary>
    private static readonly Dictionary<string, (Kind Kind, Func<HubSettings, object?> Typed)> Keys = new()
    {
        ["hub.server.hostname"] = (Kind.Text, s => s.Server.Hostname),
        ["hub.server.port"] = (Kind.Integer, s => (long)s.Server.Port),
        ["hub.server.backlog"] = (Kind.Integer, s => (long)s.Server.Backlog),
        ["hub.server.max-connections"] = (Kind.IntegerOrUnlimited, s => (long?)s.Server.MaxConnections),
        ["hub.server.max-unacked-write-bytes"] = (Kind.ByteSize, s => (long)s.Server.MaxUnackedWriteBytes),
        ["hub.server.linger-timeout"] = (Kind.Duration, s => s.Server.LingerTimeout),
        ["hub.server.unbind-grace"] = (Kind.Duration, s => s.Server.UnbindGrace),
        ["hub.server.control-timeout"] = (Kind.Duration, s => s.Server.ControlTimeout),
        ["hub.server.socket-send-buffer"] = (Kind.ByteSizeOrAuto, s => (long?)s.Server.SocketSendBuffer),
        ["hub.server.socket-receive-buffer"] = (Kind.ByteSizeOrAuto, s => (long?)s.Server.SocketReceiveBuffer),
        ["hub.server.tcp-nodelay"] = (Kind.Switch, s => s.Server.TcpNoDelay),
        ["hub.transport"] = (Kind.Transport, s => s.Transport),
        ["hub.http.max-request-line-size"] = (Kind.ByteSize, s => (long)s.Http.MaxRequestLineSize),
        ["hub.http.max-request-headers-total-size"] = (Kind.ByteSize, s => (long)s.Http.MaxRequestHeadersTotalSize),
        ["hub.http.max-request-header-count"] = (Kind.Integer, s => (long)s.Http.MaxRequestHeaderCount),
        ["hub.http.max-request-body-size"] = (Kind.ByteSize, s => s.Http.MaxRequestBodySize),
        ["hub.http.body-chunk-size"] = (Kind.ByteSize, s => (long)s.Http.BodyChunkSize),
        ["hub.http.request-headers-timeout"] = (Kind.Duration, s => s.Http.RequestHeadersTimeout),
        ["hub.http.keep-alive-timeout"] = (Kind.Duration, s => s.Http.KeepAliveTimeout),
        ["hub.http.trusted-proxies"] = (Kind.TextList, s => s.Http.TrustedProxies.Select(a => a.ToString()).ToArray()),
        ["hub.http.verbose-error-messages"] = (Kind.Switch, s => s.Http.VerboseErrorMessages),
        ["hub.http.server-header"] = (Kind.Text, s => s.Http.ServerHeader),
        ["hub.http.access-log"] = (Kind.Switch, s => s.Http.AccessLog),
        ["hub.compression.enabled"] = (Kind.Switch, s => s.Compression.Enabled),
        ["hub.compression.min-size"] = (Kind.ByteSize, s => (long)s.Compression.MinSize),
        ["hub.compression.mime-types"] = (Kind.TextList, s => s.Compression.MimeTypes.ToArray()),
        ["hub.compression.level"] = (Kind.CompressionLevel, s => s.Compression.Level),
        ["hub.security.cookie-secrets"] = (Kind.TextList, s => s.Security.CookieSecrets.ToArray()),
        ["hub.security.signed-cookie-max-age"] = (Kind.Duration, s => s.Security.SignedCookieMaxAge),
        ["hub.security.xsrf-cookies"] = (Kind.Switch, s => s.Security.XsrfCookies),
        ["hub.security.login-url"] = (Kind.Text, s => s.Security.LoginUrl),
        ["hub.shutdown.drain-timeout"] = (Kind.Duration, s => s.Shutdown.DrainTimeout),
        ["hub.templates.path"] = (Kind.Text, s => s.Templates.Path),
        ["hub.templates.watch"] = (Kind.Switch, s => s.Templates.Watch),
        ["hub.templates.strict-variables"] = (Kind.Switch, s => s.Templates.StrictVariables),
        ["hub.static.path"] = (Kind.Text, s => s.Static.Path),
        ["hub.static.url-prefix"] = (Kind.Text, s => s.Static.UrlPrefix),
        ["hub.static.chunk-size"] = (Kind.ByteSize, s => (long)s.Static.ChunkSize),
        ["hub.debug"] = (Kind.Switch, s => s.Debug),
        ["hub.websocket.max-message-size"] = (Kind.ByteSize, s => s.WebSocket.MaxMessageSize),
        ["hub.websocket.max-empty-fragments"] = (Kind.Integer, s => (long)s.WebSocket.MaxEmptyFragments),
        ["hub.websocket.ping-interval"] = (Kind.Duration, s => s.WebSocket.PingInterval),
        ["hub.websocket.ping-timeout"] = (Kind.Duration, s => s.WebSocket.PingTimeout),
        ["hub.websocket.close-timeout"] = (Kind.Duration, s => s.WebSocket.CloseTimeout),
        ["hub.websocket.check-origin"] = (Kind.Text, s => s.WebSocket.CheckOrigin switch
        {
            OriginPolicy.SameHost => "same-host", OriginPolicy.Any => "any", _ => "list",
        }),
        ["hub.websocket.allowed-origins"] = (Kind.TextList, s => s.WebSocket.AllowedOrigins.ToArray()),
        ["hub.websocket.outbound-queue-max-bytes"] = (Kind.ByteSize, s => (long)s.WebSocket.OutboundQueueMaxBytes),
        ["hub.websocket.outbound-queue-max-messages"] = (Kind.Integer, s => (long)s.WebSocket.OutboundQueueMaxMessages),
        ["hub.websocket.outbound-overflow"] = (Kind.Text, s => s.WebSocket.OutboundOverflow switch
        {
            OverflowPolicy.Close => "close", OverflowPolicy.DropOldest => "drop-oldest", _ => "conflate",
        }),
        ["hub.websocket.per-message-deflate"] = (Kind.Switch, s => s.WebSocket.PerMessageDeflate),
        ["hub.limits.messages-per-second"] = (Kind.Text, s => s.Limits.MessagesPerSecond?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off"),
        ["hub.limits.burst"] = (Kind.Integer, s => (long)s.Limits.Burst),
        ["hub.limits.message-rate-policy"] = (Kind.Text, s => s.Limits.MessageRatePolicy == MessageRatePolicy.Close ? "close" : "drop"),
        ["hub.tls.enabled"] = (Kind.Switch, s => s.Tls.Enabled),
        ["hub.tls.certificate"] = (Kind.Text, s => s.Tls.Default.Certificate ?? ""),
        ["hub.tls.key"] = (Kind.Text, s => s.Tls.Default.Key ?? ""),
        ["hub.tls.pfx"] = (Kind.Text, s => s.Tls.Default.Pfx ?? ""),
        ["hub.tls.pfx-password-file"] = (Kind.Text, s => s.Tls.Default.PfxPasswordFile ?? ""),
        ["hub.tls.hosts"] = (Kind.TextList, s => s.Tls.Hosts.Select(h => h.Host).ToArray()),
        ["hub.tls.handshake-timeout"] = (Kind.Duration, s => s.Tls.HandshakeTimeout),
        ["hub.tls.watch"] = (Kind.Switch, s => s.Tls.Watch),
        ["hub.rooms.backend"] = (Kind.Text, s => s.Rooms.Backend == RoomBackendKind.Local ? "local" : "distributed"),
        ["hub.rooms.distributed-provider"] = (Kind.Text, s => s.Rooms.DistributedProvider),
        ["hub.rooms.max-broadcast-size"] = (Kind.ByteSize, s => (long)s.Rooms.MaxBroadcastSize),
        ["hub.rooms.shards"] = (Kind.Integer, s => (long)s.Rooms.Shards),
        ["hub.rooms.ask-timeout"] = (Kind.Duration, s => s.Rooms.AskTimeout),
        ["hub.rooms.publish-timeout"] = (Kind.Duration, s => s.Rooms.PublishTimeout),
        ["hub.rooms.join-retry"] = (Kind.Duration, s => s.Rooms.JoinRetry),
        ["hub.rooms.hand-off-snapshot-ttl"] = (Kind.Duration, s => s.Rooms.HandOffSnapshotTtl),
        ["hub.rooms.history.max-messages"] = (Kind.Integer, s => (long)s.Rooms.History.MaxMessages),
        ["hub.rooms.history.max-age"] = (Kind.Duration, s => s.Rooms.History.MaxAge),
    };

    private enum Kind { Text, Integer, IntegerOrUnlimited, ByteSize, ByteSizeOrAuto, Duration, Switch, TextList, CompressionLevel, Transport }

    [Fact]
    public void Loads_every_key_of_reference_conf_with_the_value_the_file_gives()
    {
        var reference = HubSettings.DefaultConfig();
        var settings = HubSettings.FromConfig(reference);
        // hub.connection-dispatcher is a dispatcher definition that Akka reads (Dispatch/CompactMessageQueueTests
        // checks that actors get it), not a setting of HubSettings.
        var leaves = Leaves(reference.GetConfig("hub"), "hub")
            .Where(l => !l.Key.StartsWith(Hub.Dispatch.ConnectionDispatcher.Id + ".", StringComparison.Ordinal)).ToList();

        // A key documented but never read (or read but not documented) is a bug either way.
        Assert.Equal(Keys.Keys.Order(StringComparer.Ordinal), leaves.Select(l => l.Key).Order(StringComparer.Ordinal));
        foreach (var (key, value) in leaves)
        {
            var (kind, typed) = Keys[key];
            var expected = FromFileText(kind, value);
            var actual = typed(settings);
            if (expected is string[] list) Assert.True(list.SequenceEqual((string[])actual!), $"{key}: [{string.Join(", ", (string[])actual!)}] != [{string.Join(", ", list)}]");
            else Assert.True(Equals(expected, actual), $"{key}: typed value {actual} != file value {expected}");
        }
    }

    [Fact]
    public void Default_is_the_reference_configuration()
    {
        Assert.Equal(HubSettings.FromConfig(HubSettings.DefaultConfig()).Http.MaxRequestBodySize, HubSettings.Default.Http.MaxRequestBodySize);
        Assert.Equal(30_000_000, HubSettings.Default.Http.MaxRequestBodySize);
        Assert.Equal(8 * 1024, HubSettings.Default.Http.MaxRequestLineSize);
    }

    [Fact]
    public void An_override_wins_and_the_reference_fills_in_the_rest()
    {
        var settings = Load("""
            hub.http.max-request-body-size = 1m
            hub.http.trusted-proxies = ["127.0.0.1", "::1", "::ffff:10.0.0.1"]
            hub.security.cookie-secrets = ["new", "old"]
            hub.compression { enabled = on, level = smallest-size }
            """);
        Assert.Equal(1024 * 1024, settings.Http.MaxRequestBodySize);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.1")], settings.Http.TrustedProxies);
        Assert.Equal(["new", "old"], settings.Security.CookieSecrets);
        Assert.True(settings.Compression.Enabled);
        Assert.Equal(CompressionLevel.SmallestSize, settings.Compression.Level);
        Assert.Equal(TimeSpan.FromSeconds(130), settings.Http.KeepAliveTimeout);
    }

    [Fact]
    public void Unlimited_connections_and_infinite_timeouts_are_understood()
    {
        var settings = Load("""
            hub.server.max-connections = unlimited
            hub.http.keep-alive-timeout = infinite
            hub.http.request-headers-timeout = infinite
            hub.security.signed-cookie-max-age = infinite
            hub.shutdown.drain-timeout = infinite
            """);
        Assert.Null(settings.Server.MaxConnections);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.Http.KeepAliveTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.Http.RequestHeadersTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.Security.SignedCookieMaxAge);
        Assert.Equal(Timeout.InfiniteTimeSpan, settings.Shutdown.DrainTimeout);
        Assert.Equal(250, Load("hub.server.max-connections = 250").Server.MaxConnections);
    }

    [Theory]
    [InlineData("hub.http.max-request-body-size = -5", "hub.http.max-request-body-size")]
    [InlineData("hub.http.max-request-line-size = -1k", "hub.http.max-request-line-size")]
    [InlineData("hub.http.max-request-line-size = lots", "hub.http.max-request-line-size")]
    [InlineData("hub.http.body-chunk-size = 0", "hub.http.body-chunk-size")]
    [InlineData("hub.http.max-request-headers-total-size = 3g", "hub.http.max-request-headers-total-size")]
    [InlineData("hub.compression.min-size = -1", "hub.compression.min-size")]
    [InlineData("hub.server.max-unacked-write-bytes = 0", "hub.server.max-unacked-write-bytes")]
    [InlineData("hub.http.keep-alive-timeout = soon", "hub.http.keep-alive-timeout")]
    [InlineData("hub.http.keep-alive-timeout = -5s", "hub.http.keep-alive-timeout")]
    [InlineData("hub.http.request-headers-timeout = 0s", "hub.http.request-headers-timeout")]
    [InlineData("hub.shutdown.drain-timeout = 10 fortnights", "hub.shutdown.drain-timeout")]
    [InlineData("hub.server.linger-timeout = infinite", "hub.server.linger-timeout")]
    [InlineData("hub.compression.level = maximum", "hub.compression.level")]
    [InlineData("hub.compression.enabled = maybe", "hub.compression.enabled")]
    [InlineData("hub.http.verbose-error-messages = 1", "hub.http.verbose-error-messages")]
    [InlineData("hub.http.access-log = sometimes", "hub.http.access-log")]
    [InlineData("hub.http.trusted-proxies = [\"127.0.0.1\", \"proxy.example\"]", "hub.http.trusted-proxies")]
    [InlineData("hub.http.trusted-proxies = [\"10.0.0.300\"]", "hub.http.trusted-proxies")]
    [InlineData("hub.http.trusted-proxies = \"127.0.0.1\"", "hub.http.trusted-proxies")]
    [InlineData("hub.security.cookie-secrets = \"only-one\"", "hub.security.cookie-secrets")]
    [InlineData("hub.compression.mime-types { a = b }", "hub.compression.mime-types")]
    [InlineData("hub.security.cookie-secrets = [\"good\", \"\"]", "hub.security.cookie-secrets")]
    [InlineData("hub.server.port = 65536", "hub.server.port")]
    [InlineData("hub.server.port = -1", "hub.server.port")]
    [InlineData("hub.server.port = 80.5", "hub.server.port")]
    [InlineData("hub.server.backlog = 0", "hub.server.backlog")]
    [InlineData("hub.server.max-connections = 0", "hub.server.max-connections")]
    [InlineData("hub.server.max-connections = some", "hub.server.max-connections")]
    [InlineData("hub.http.max-request-header-count = 0", "hub.http.max-request-header-count")]
    [InlineData("hub.server.hostname = \"\"", "hub.server.hostname")]
    [InlineData("hub.server.hostname = [\"a\"]", "hub.server.hostname")]
    [InlineData("hub.http.server-header = { x = 1 }", "hub.http.server-header")]
    [InlineData("hub.tls.enabled = on", "hub.tls.enabled")]
    [InlineData("hub.limits.messages-per-second = -1", "hub.limits.messages-per-second")]
    [InlineData("hub.limits.messages-per-second = lots", "hub.limits.messages-per-second")]
    [InlineData("hub.limits.message-rate-policy = ignore", "hub.limits.message-rate-policy")]
    [InlineData("hub.limits.burst = 0", "hub.limits.burst")]
    [InlineData("hub.tls.handshake-timeout = infinite", "hub.tls.handshake-timeout")]
    [InlineData("hub.tls.hosts = [\"a.example\"]", "hub.tls.hosts[0]")]
    [InlineData("hub.tls.hosts = [{ certificate = \"a.pem\" }]", "hub.tls.hosts[0].host")]
    [InlineData("hub.transport = netty", "hub.transport")]
    [InlineData("hub.server.tcp-nodelay = 2", "hub.server.tcp-nodelay")]
    public void Rejects_an_invalid_value_naming_the_full_key(string hocon, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => Load(hocon));
        Assert.StartsWith(key + " ", error.Message);
    }

    [Theory]
    [InlineData("server", "hostname")]
    [InlineData("http", "max-request-body-size")]
    [InlineData("http", "trusted-proxies")]
    [InlineData("compression", "level")]
    [InlineData("security", "xsrf-cookies")]
    [InlineData("shutdown", "drain-timeout")]
    public void A_missing_key_is_an_error_naming_it(string section, string key)
    {
        // Without the reference fallback: only the one key is absent.
        var text = ReferenceText();
        var without = Regex.Replace(text, $@"^\s*{Regex.Escape(key)}\s*=.*$", "", RegexOptions.Multiline);
        Assert.NotEqual(text, without);
        var error = Assert.Throws<ConfigurationException>(() => HubSettings.FromConfig(ConfigurationFactory.ParseString(without)));
        Assert.Equal($"hub.{section}.{key} is missing", error.Message);
    }

    [Fact]
    public void A_missing_section_names_its_first_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => HubSettings.FromConfig(ConfigurationFactory.ParseString("hub.other = 1")));
        Assert.StartsWith("hub.server.", error.Message);
    }

    [Fact]
    public void Loads_a_file_with_the_reference_as_fallback()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hub-settings-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, "hub.server.port = 9999\nhub.security.xsrf-cookies = on\n");
        try
        {
            var settings = HubSettings.FromConfig(HubSettings.LoadConfig(path));
            Assert.Equal(9999, settings.Server.Port);
            Assert.True(settings.Security.XsrfCookies);
            Assert.Equal(HubSettings.Default.Http.KeepAliveTimeout, settings.Http.KeepAliveTimeout);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Binds_an_IP_literal_directly_and_a_name_through_DNS()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), Load("hub.server { hostname = \"127.0.0.1\", port = 0 }").Server.ToEndPoint());
        Assert.Equal(new DnsEndPoint("localhost", 80), Load("hub.server { hostname = localhost, port = 80 }").Server.ToEndPoint());
    }

    // ---- helpers ----

    private static HubSettings Load(string hocon) =>
        HubSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(HubSettings.DefaultConfig()));

    private static string ReferenceText()
    {
        using var stream = typeof(HubSettings).Assembly.GetManifestResourceStream("Hub.Core.reference.conf")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private static IEnumerable<(string Key, HoconValue Value)> Leaves(Config config, string prefix)
    {
        foreach (var (name, value) in config.AsEnumerable())
        {
            var key = prefix + "." + name;
            if (value.IsObject())
                foreach (var leaf in Leaves(config.GetConfig(name), key)) yield return leaf;
            else yield return (key, value);
        }
    }

    /// <summary>Reads the file's text for a key independently of ConfigReader (binary units, as HOCON defines).</summary>
    private static object? FromFileText(Kind kind, HoconValue value)
    {
        if (kind == Kind.TextList) return value.GetArray().Select(v => v.GetString()).ToArray();
        var text = value.GetString().Trim();
        switch (kind)
        {
            case Kind.Text:
                return text;
            case Kind.Integer:
                return long.Parse(text, CultureInfo.InvariantCulture);
            case Kind.IntegerOrUnlimited:
                return text == "unlimited" ? null : long.Parse(text, CultureInfo.InvariantCulture);
            case Kind.Switch:
                return text switch { "on" => true, "off" => false, _ => throw new InvalidDataException(text) };
            case Kind.CompressionLevel:
                return text switch
                {
                    "optimal" => CompressionLevel.Optimal,
                    "fastest" => CompressionLevel.Fastest,
                    "smallest-size" => CompressionLevel.SmallestSize,
                    _ => throw new InvalidDataException(text),
                };
            case Kind.Transport:
                return text switch
                {
                    "akka-io" => HubTransport.AkkaIo,
                    "sockets" => HubTransport.Sockets,
                    _ => throw new InvalidDataException(text),
                };
            case Kind.ByteSizeOrAuto when text == "auto":
                return null;
            case Kind.ByteSize:
            case Kind.ByteSizeOrAuto:
            {
                var m = Regex.Match(text, @"^(\d+)\s*([kmg]?)$");
                Assert.True(m.Success, $"unexpected size syntax '{text}'");
                var unit = m.Groups[2].Value switch { "" => 1L, "k" => 1L << 10, "m" => 1L << 20, _ => 1L << 30 };
                return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * unit;
            }
            case Kind.Duration:
            {
                if (text == "infinite") return Timeout.InfiniteTimeSpan;
                var m = Regex.Match(text, @"^(\d+)\s*(ms|s|m|h|d)$");
                Assert.True(m.Success, $"unexpected duration syntax '{text}'");
                var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                return m.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    _ => TimeSpan.FromDays(n),
                };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }
}
