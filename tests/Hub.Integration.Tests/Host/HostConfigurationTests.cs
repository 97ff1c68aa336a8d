using Hub.Host;

namespace Hub.Integration.Tests.Host;

public sealed class HostConfigurationTests
{
    private const string HubConf = """
        hub.server { hostname = "127.0.0.2", port = 9001 }
        hub.http.server-header = "from-hub-conf"
        """;

    private static (Akka.Configuration.Config Config, Hub.Configuration.HubSettings Settings) Build(HostOptions options, string hubConf = HubConf)
    {
        using var file = new TempFile(hubConf);
        return HostConfiguration.Build(options, file.Path);
    }

    [Fact]
    public void Without_flags_hub_conf_decides()
    {
        var (_, s) = Build(new HostOptions());
        Assert.Equal("127.0.0.2", s.Server.Hostname);
        Assert.Equal(9001, s.Server.Port);
        Assert.Equal("from-hub-conf", s.Http.ServerHeader);
    }

    [Fact]
    public void The_shipped_hub_conf_listens_on_loopback_8888()
    {
        var (_, s) = HostConfiguration.Build(new HostOptions());
        Assert.Equal("127.0.0.1", s.Server.Hostname);
        Assert.Equal(8888, s.Server.Port);
    }

    [Fact]
    public void Without_any_file_the_flag_defaults_apply_not_the_reference_wildcard()
    {
        var (_, s) = HostConfiguration.Build(new HostOptions(), Path.Combine(Path.GetTempPath(), "no-such-hub.conf"));
        Assert.Equal(HostOptions.DefaultBind, s.Server.Hostname);
        Assert.Equal(HostOptions.DefaultPort, s.Server.Port);
        // Everything else still comes from reference.conf.
        Assert.Equal(Hub.Configuration.HubSettings.Default.Http.KeepAliveTimeout, s.Http.KeepAliveTimeout);
        Assert.Equal(Hub.Configuration.HubSettings.Default.Shutdown, s.Shutdown);
    }

    [Fact]
    public void Config_file_overrides_hub_conf()
    {
        using var file = new TempFile("hub.server.port = 9002\nhub.http.server-header = from-file");
        var (_, s) = Build(new HostOptions { ConfigFile = file.Path });
        Assert.Equal(9002, s.Server.Port);
        Assert.Equal("127.0.0.2", s.Server.Hostname);
        Assert.Equal("from-file", s.Http.ServerHeader);
    }

    [Fact]
    public void Flags_override_the_config_file_and_set_overrides_flags()
    {
        using var file = new TempFile("hub.server { port = 9002, hostname = \"127.0.0.3\" }");
        var (_, s) = Build(new HostOptions
        {
            ConfigFile = file.Path,
            Port = 9003,
            Bind = "127.0.0.4",
            Overrides = ["hub.server.port=9004"],
        });
        Assert.Equal(9004, s.Server.Port);
        Assert.Equal("127.0.0.4", s.Server.Hostname);
    }

    [Fact]
    public void A_later_set_wins_over_an_earlier_one()
    {
        var (_, s) = Build(new HostOptions { Overrides = ["hub.server.port=1", "hub.server.port=2"] });
        Assert.Equal(2, s.Server.Port);
    }

    [Fact]
    public void Max_body_size_sets_the_body_limit()
    {
        var (_, s) = Build(new HostOptions { MaxBodySize = 1234 });
        Assert.Equal(1234, s.Http.MaxRequestBodySize);
    }

    [Fact]
    public void Without_cluster_flags_the_host_runs_single_node()
    {
        var (config, s) = HostConfiguration.Build(new HostOptions());
        Assert.NotEqual("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(Hub.Configuration.RoomBackendKind.Local, s.Rooms.Backend);
    }

    [Fact]
    public void Cluster_flags_layer_cluster_conf_address_and_seeds()
    {
        // The shipped hub.conf, with cluster.conf beside it.
        var (config, s) = HostConfiguration.Build(new HostOptions
        {
            ClusterPort = 4053, Bind = "127.0.0.1", PublicHost = "node1.example", Seeds = ["127.0.0.1:4053", "node2.example:4054"],
        });
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(4053, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("node1.example", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(["akka.tcp://hub@127.0.0.1:4053", "akka.tcp://hub@node2.example:4054"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(Hub.Configuration.RoomBackendKind.Distributed, s.Rooms.Backend);
    }

    [Fact]
    public void Ws_max_message_size_sets_the_websocket_message_limit()
    {
        var (_, s) = Build(new HostOptions { WsMaxMessageSize = 4096 });
        Assert.Equal(4096, s.WebSocket.MaxMessageSize);
    }

    [Fact]
    public void Max_header_size_sets_the_request_line_and_header_limits()
    {
        var (_, s) = Build(new HostOptions { MaxHeaderSize = 2048 });
        Assert.Equal(2048, s.Http.MaxRequestLineSize);
        Assert.Equal(2048, s.Http.MaxRequestHeadersTotalSize);
    }

    [Fact]
    public void Idle_timeout_sets_keep_alive_and_request_headers_timeouts()
    {
        var (_, s) = Build(new HostOptions { IdleTimeout = TimeSpan.FromSeconds(2.5) });
        Assert.Equal(TimeSpan.FromSeconds(2.5), s.Http.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), s.Http.RequestHeadersTimeout);
    }

    [Fact]
    public void Set_beats_a_shorthand_for_the_same_key()
    {
        var (_, s) = Build(new HostOptions { IdleTimeout = TimeSpan.FromSeconds(2), Overrides = ["hub.http.keep-alive-timeout=7s"] });
        Assert.Equal(TimeSpan.FromSeconds(7), s.Http.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), s.Http.RequestHeadersTimeout);
    }

    [Fact]
    public void Set_values_are_literal_strings_unless_written_as_hocon()
    {
        var (config, s) = Build(new HostOptions
        {
            Overrides =
            [
                "hub.http.server-header=http://example.com//x # not a comment",
                "hub.http.trusted-proxies=[\"10.0.0.1\", \"::1\"]",
                "hub.http.verbose-error-messages=on",
                "akka.loglevel=WARNING",
                "hub.http.body-chunk-size = 16k",
            ],
        });
        Assert.Equal("http://example.com//x # not a comment", s.Http.ServerHeader);
        Assert.Equal(["10.0.0.1", "::1"], s.Http.TrustedProxies.Select(a => a.ToString()));
        Assert.True(s.Http.VerboseErrorMessages);
        Assert.Equal(16 * 1024, s.Http.BodyChunkSize);
        Assert.Equal("WARNING", config.GetString("akka.loglevel"));
    }

    [Fact]
    public void A_long_drain_stretches_the_shutdown_phase_that_runs_it()
    {
        var (config, _) = Build(new HostOptions { Overrides = ["hub.shutdown.drain-timeout=40s"] });
        Assert.True(config.GetTimeSpan("akka.coordinated-shutdown.phases.service-requests-done.timeout") >= TimeSpan.FromSeconds(45));
    }

    [Fact]
    public void Missing_config_file_is_an_error_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "hub-missing-" + Guid.NewGuid().ToString("N") + ".conf");
        var e = Assert.Throws<HostStartupException>(() => Build(new HostOptions { ConfigFile = path }));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Theory]
    [InlineData("hub.http {\n  max-request-body-size = 1\n")]
    [InlineData("hub.http { max-request-body-size = 1 }}")]
    [InlineData("hub.server.hostname = \"unterminated\n")]
    [InlineData("this is not hocon")]
    [InlineData("hub.http.trusted-proxies = [\"1.2.3.4\"")]
    [InlineData("a = ${no.such.key}")]
    public void Config_file_with_a_syntax_error_is_an_error_naming_it(string text)
    {
        using var file = new TempFile(text);
        var e = Assert.Throws<HostStartupException>(() => Build(new HostOptions { ConfigFile = file.Path }));
        Assert.Contains(file.Path, e.Message);
        Assert.Contains("not valid HOCON", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("hub.http.max-request-body-size = lots", "hub.http.max-request-body-size")]
    [InlineData("hub.server.port = 70000", "hub.server.port")]
    [InlineData("hub.http.keep-alive-timeout = soon", "hub.http.keep-alive-timeout")]
    [InlineData("hub.compression.level = maximal", "hub.compression.level")]
    [InlineData("hub.http.trusted-proxies = [\"not-an-ip\"]", "hub.http.trusted-proxies")]
    public void Invalid_hub_value_is_an_error_naming_the_key(string text, string key)
    {
        using var file = new TempFile(text);
        var e = Assert.Throws<HostStartupException>(() => Build(new HostOptions { ConfigFile = file.Path }));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Invalid_set_value_is_an_error_naming_the_key()
    {
        var e = Assert.Throws<HostStartupException>(() => Build(new HostOptions { Overrides = ["hub.http.max-request-header-count=0"] }));
        Assert.Contains("hub.http.max-request-header-count", e.Message);
    }

    [Fact]
    public void Set_with_broken_hocon_is_an_error()
    {
        var e = Assert.Throws<HostStartupException>(() => Build(new HostOptions { Overrides = ["hub.http.trusted-proxies=[\"1.2.3.4\""] }));
        Assert.Contains("--set", e.Message);
    }
}
