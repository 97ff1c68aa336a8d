using Akka.Configuration;

namespace Hub.Host.Telemetry;

/// <summary>How the host logs (console: simple or json).</summary>
public enum LogFormat { Simple, Json }

/// <summary>
/// hub.host.logging and hub.host.metrics: the host's own keys (hocon/hub.conf documents them; Hub.Core never reads
/// them). Every exporter is off unless configured; a missing key means its default.
/// </summary>
public sealed record HostTelemetrySettings(
    LogFormat LogFormat,
    bool Prometheus,
    string PrometheusHostname,
    int PrometheusPort,
    bool ConsoleExporter,
    TimeSpan ConsoleInterval)
{
    public const int DefaultPrometheusPort = 9464;

    public static HostTelemetrySettings FromConfig(Config config)
    {
        var format = config.GetString("hub.host.logging.format", "simple") switch
        {
            "simple" => LogFormat.Simple,
            "json" => LogFormat.Json,
            var other => throw new HostStartupException($"invalid configuration: hub.host.logging.format must be simple or json, was '{other}'"),
        };
        var port = config.GetInt("hub.host.metrics.prometheus.port", DefaultPrometheusPort);
        if (port is < 1 or > 65535)
            throw new HostStartupException($"invalid configuration: hub.host.metrics.prometheus.port must be in [1, 65535], was {port}");
        var hostname = config.GetString("hub.host.metrics.prometheus.hostname", "127.0.0.1");
        if (string.IsNullOrWhiteSpace(hostname))
            throw new HostStartupException("invalid configuration: hub.host.metrics.prometheus.hostname must not be empty");
        var interval = config.GetTimeSpan("hub.host.metrics.console.interval", TimeSpan.FromSeconds(10), allowInfinite: false);
        if (interval <= TimeSpan.Zero)
            throw new HostStartupException($"invalid configuration: hub.host.metrics.console.interval must be positive, was {interval}");
        return new HostTelemetrySettings(
            format,
            config.GetBoolean("hub.host.metrics.prometheus.enabled", false),
            hostname,
            port,
            config.GetBoolean("hub.host.metrics.console.enabled", false),
            interval);
    }
}
