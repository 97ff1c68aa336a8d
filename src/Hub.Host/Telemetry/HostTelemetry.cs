using System.Net;
using Akka.Configuration;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Host.Logging;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Hub.Host.Telemetry;

/// <summary>
/// The host's logging and metrics plumbing, alive as long as its ActorSystem: a Microsoft.Extensions.Logging
/// console (simple or JSON) that Akka's logs are bridged to (<see cref="MelLogger"/>), and an OpenTelemetry meter
/// provider for the Hub meter when an exporter is configured (Prometheus scrape endpoint, console). Disposing
/// flushes the console and stops the exporters.
/// </summary>
public sealed class HostTelemetry : IDisposable
{
    private HostTelemetry(ILoggerFactory loggerFactory, MeterProvider? meters, Uri? scrapeEndpoint)
    {
        LoggerFactory = loggerFactory;
        Meters = meters;
        ScrapeEndpoint = scrapeEndpoint;
    }

    public ILoggerFactory LoggerFactory { get; }

    public MeterProvider? Meters { get; }

    /// <summary>Where Prometheus scrapes, when that exporter is on.</summary>
    public Uri? ScrapeEndpoint { get; }

    /// <summary>
    /// Starts logging and the configured exporters, and returns the ActorSystem configuration that routes Akka's
    /// log events to MEL. With hub.http.access-log on, Akka must let Info events through (the access log is Info):
    /// akka.loglevel is lowered to INFO and MEL keeps every other category at the level the operator chose.
    /// </summary>
    public static (HostTelemetry Telemetry, Config Config) Start(Config config, HubSettings settings)
    {
        var options = HostTelemetrySettings.FromConfig(config);
        var akkaLevel = AkkaLevel(config.GetString("akka.loglevel", "INFO"));
        var lines = new List<string> { "akka.loggers = [\"" + typeof(MelLogger).AssemblyQualifiedNameWithoutVersion() + "\"]" };
        var minimum = LogLevel.Trace; // Akka filters; MEL passes what arrives
        if (settings.Http.AccessLog && akkaLevel > LogLevel.Information)
        {
            lines.Add("akka.loglevel = INFO");
            minimum = akkaLevel;
        }

        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b =>
        {
            b.SetMinimumLevel(minimum);
            b.AddFilter(AccessLogCategory, LogLevel.Information);
            if (options.LogFormat == LogFormat.Json)
                b.AddJsonConsole(o =>
                {
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
            else
                b.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                });
        });

        MeterProvider? meters = null;
        Uri? endpoint = null;
        if (options.Prometheus || options.ConsoleExporter)
        {
            var builder = Sdk.CreateMeterProviderBuilder().AddMeter(HubMetrics.MeterName);
            if (options.Prometheus)
            {
                var host = options.PrometheusHostname.Contains(':') && !options.PrometheusHostname.StartsWith('[')
                    ? "[" + options.PrometheusHostname + "]"
                    : options.PrometheusHostname;
                endpoint = new Uri($"http://{host}:{options.PrometheusPort}/metrics");
                builder.AddPrometheusHttpListener(o =>
                {
                    o.Host = options.PrometheusHostname;
                    o.Port = options.PrometheusPort;
                });
            }
            if (options.ConsoleExporter)
                builder.AddConsoleExporter((_, reader) =>
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Min(int.MaxValue, options.ConsoleInterval.TotalMilliseconds));
            try
            {
                meters = builder.Build();
            }
            catch (Exception e) when (e is HttpListenerException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                loggerFactory.Dispose();
                throw new HostStartupException($"cannot serve metrics on {endpoint}: {e.Message}", e);
            }
        }
        var hocon = ConfigurationFactory.ParseString(string.Join('\n', lines));
        return (new HostTelemetry(loggerFactory, meters, endpoint), hocon.WithFallback(config));
    }

    /// <summary>The log source of Hub's access log (Hub.Diagnostics.AccessLog), its MEL category here.</summary>
    public const string AccessLogCategory = "Hub.AccessLog";

    private static LogLevel AkkaLevel(string? level) => level?.Trim().ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "OFF" => LogLevel.None,
        _ => LogLevel.Information,
    };

    public void Dispose()
    {
        Meters?.Dispose();
        LoggerFactory.Dispose();
    }
}

internal static class TypeNames
{
    /// <summary>"Namespace.Type, Assembly": how akka.loggers names a logger type.</summary>
    public static string AssemblyQualifiedNameWithoutVersion(this Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
