using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hub.Host;
using Hub.Host.Telemetry;
using Hub.Integration.Tests.Host;

namespace Hub.Integration.Tests.Diagnostics;

/// <summary>Hub.Host's exporters and log output, from a real host process as an operator runs it.</summary>
public sealed class HostTelemetryTests
{
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task Metrics_port_serves_the_Hub_meter_to_a_Prometheus_scrape()
    {
        var metricsPort = FreePort();
        using var host = HostProcess.Start(["--port", "0", "--metrics-port", metricsPort.ToString(), "--set", "akka.loglevel=WARNING"]);
        var url = await host.WaitForListeningAsync();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        Assert.Equal("Hello, world", await client.GetStringAsync(url));

        var scrape = await client.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");

        Assert.Contains($"hub_http_server_requests_total{{", scrape);
        Assert.Contains("http_response_status_class=\"2xx\"", scrape);
        Assert.Contains($"server_port=\"{url.Port}\"", scrape);
        Assert.Contains("hub_http_server_request_duration_seconds_bucket{", scrape);
        Assert.Contains("hub_server_accepted_connections_total{", scrape);
    }

    [Fact]
    public async Task Json_logs_with_the_access_log_on_show_requests_but_not_Akka_info_chatter()
    {
        using var host = HostProcess.Start(["--port", "0", "--set", "hub.host.logging.format=json", "--set", "hub.http.access-log=on"]);
        var url = await host.WaitForListeningAsync();
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) })
            Assert.Equal("Hello, world", await client.GetStringAsync(url));
        await host.SignalAsync("TERM");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var json = host.StdoutLines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var access = Assert.Single(json, e => e.GetProperty("Category").GetString() == HostTelemetry.AccessLogCategory);
        var state = access.GetProperty("State");
        Assert.Equal("GET", state.GetProperty("Method").GetString());
        Assert.Equal("/", state.GetProperty("Path").GetString());
        Assert.Equal("200", state.GetProperty("Status").ToString());
        // akka.loglevel stays WARNING for everything else (hub.conf): the listener's Info on unbinding is not shown.
        Assert.DoesNotContain(json, e => e.GetProperty("LogLevel").GetString() == "Information"
                                         && e.GetProperty("Category").GetString() != HostTelemetry.AccessLogCategory);
        Assert.DoesNotContain(host.StdoutLines, l => l.Contains("stopped listening", StringComparison.Ordinal));
    }

    [Fact]
    public void Metrics_port_flag_turns_the_Prometheus_exporter_on()
    {
        var commandLine = new HostCommandLine();
        var options = commandLine.Read(commandLine.Root.Parse(["--metrics-port", "9999"]));
        var (config, _) = HostConfiguration.Build(options, hubConfPath: HostConfiguration.DefaultHubConfPath);
        var settings = HostTelemetrySettings.FromConfig(config);
        Assert.True(settings.Prometheus);
        Assert.Equal(9999, settings.PrometheusPort);
        Assert.False(settings.ConsoleExporter);
    }

    [Fact]
    public void Exporters_are_off_and_logs_simple_by_default()
    {
        var (config, _) = HostConfiguration.Build(new HostOptions(), hubConfPath: HostConfiguration.DefaultHubConfPath);
        var settings = HostTelemetrySettings.FromConfig(config);
        Assert.False(settings.Prometheus);
        Assert.False(settings.ConsoleExporter);
        Assert.Equal(LogFormat.Simple, settings.LogFormat);
        Assert.Equal(HostTelemetrySettings.DefaultPrometheusPort, settings.PrometheusPort);
    }

    [Theory]
    [InlineData("--metrics-port", "0")]
    [InlineData("--metrics-port", "70000")]
    [InlineData("--metrics-port", "http")]
    public void Bad_metrics_port_is_a_usage_error(string flag, string value)
    {
        var parse = new HostCommandLine().Root.Parse([flag, value]);
        Assert.Contains(parse.Errors, e => e.Message.Contains("--metrics-port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_log_format_stops_the_host_with_one_line_naming_the_key()
    {
        var (code, _, stderr) = await HostProcess.RunAsync("--port", "0", "--set", "hub.host.logging.format=xml");
        Assert.Equal(HostRunner.ExitStartupFailed, code);
        Assert.Contains("hub.host.logging.format", Assert.Single(stderr, l => l.Length > 0));
    }
}
