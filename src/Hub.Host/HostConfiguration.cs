using System.Text.Json;
using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Host;

/// <summary>
/// Builds the host's configuration from its layers, highest priority first:
/// <c>--set</c> › the other flags › <c>--config FILE</c> › hocon/hub.conf › the flags' documented defaults ›
/// Hub's reference.conf (Akka adds its own reference when the ActorSystem starts).
/// Every failure becomes a <see cref="HostStartupException"/> whose message names the file or key.
/// </summary>
public static class HostConfiguration
{
    /// <summary>Where the host's own overrides live, next to the executable.</summary>
    public static string DefaultHubConfPath => Path.Combine(AppContext.BaseDirectory, "hocon", "hub.conf");

    /// <summary>The layered configuration and its validated hub.* settings.</summary>
    public static (Config Config, HubSettings Settings) Build(HostOptions options, string? hubConfPath = null)
    {
        hubConfPath ??= DefaultHubConfPath;
        var clusterConfPath = Path.Combine(Path.GetDirectoryName(hubConfPath) ?? ".", "cluster.conf");
        var config = Layer(
            Overrides(options.Overrides),
            Flags(options),
            options.ConfigFile is null ? null : ParseFile(options.ConfigFile),
            ClusterFlags(options),
            options.ClusterPort is not null && File.Exists(clusterConfPath) ? ParseFile(clusterConfPath) : null,
            File.Exists(hubConfPath) ? ParseFile(hubConfPath) : null,
            FlagDefaults,
            HubSettings.DefaultConfig());

        HubSettings settings;
        try
        {
            settings = HubSettings.FromConfig(config);
        }
        catch (Exception e)
        {
            // ConfigurationException names the key; Akka's HOCON accessors throw other types for values of the
            // wrong shape (an object where a number belongs), which are configuration errors all the same.
            throw new HostStartupException("invalid configuration: " + FirstLine(e.Message), e);
        }
        return (DrainFitsShutdownPhase(config, settings), settings);
    }

    /// <summary>Each layer falls back to the next; absent layers are skipped.</summary>
    private static Config Layer(params Config?[] layers)
    {
        Config? result = null;
        foreach (var layer in layers)
        {
            if (layer is null || layer.IsEmpty) continue;
            result = result is null ? layer : result.WithFallback(layer);
        }
        return result ?? ConfigurationFactory.Empty;
    }

    /// <summary>--port and --bind defaults, overridable by any file (they match hocon/hub.conf).</summary>
    private static readonly Config FlagDefaults = ConfigurationFactory.ParseString(
        $"hub.server {{ port = {HostOptions.DefaultPort}, hostname = {Quote(HostOptions.DefaultBind)} }}");

    /// <summary>
    /// The node's remoting address and seeds. Above cluster.conf, below --config and --set, so a file can still
    /// override them. The ActorSystem is always named "hub", so seed addresses are akka.tcp://hub@host:port.
    /// </summary>
    private static Config? ClusterFlags(HostOptions o)
    {
        if (o.ClusterPort is not { } port) return null;
        var bind = o.Bind ?? HostOptions.DefaultBind;
        var lines = new List<string>
        {
            $"akka.remote.dot-netty.tcp.port = {port}",
            $"akka.remote.dot-netty.tcp.hostname = {Quote(bind)}",
        };
        if (o.PublicHost is { } publicHost) lines.Add($"akka.remote.dot-netty.tcp.public-hostname = {Quote(publicHost)}");
        if (o.Seeds.Count > 0)
        {
            var seeds = o.Seeds.Select(s => HostCommandLine.ParseSeed(s) ?? throw new HostStartupException($"--seed must be host:port, got '{s}'"))
                .Select(s => Quote($"akka.tcp://hub@{s.Host}:{s.Port}"));
            lines.Add($"akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]");
        }
        return ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    private static Config? Flags(HostOptions o)
    {
        var lines = new List<string>();
        if (o.Port is { } port) lines.Add($"hub.server.port = {port}");
        if (o.Bind is { } bind) lines.Add($"hub.server.hostname = {Quote(bind)}");
        if (o.MaxBodySize is { } body) lines.Add($"hub.http.max-request-body-size = {body}");
        if (o.WsMaxMessageSize is { } ws) lines.Add($"hub.websocket.max-message-size = {ws}");
        if (o.MetricsPort is { } metrics)
        {
            lines.Add("hub.host.metrics.prometheus.enabled = on");
            lines.Add($"hub.host.metrics.prometheus.port = {metrics}");
        }
        if (o.Dashboard is { } dashboard) lines.Add($"hub.host.dashboard.enabled = {(dashboard ? "on" : "off")}");
        if (o.DashboardToken is { } token)
        {
            lines.Add("hub.host.dashboard.enabled = on");
            lines.Add($"hub.host.dashboard.token = {Quote(token)}");
        }
        if (o.TlsPort is { } tlsPort) lines.Add($"hub.host.tls-port = {tlsPort}");
        if (o.TlsCert is { } cert) lines.Add($"hub.tls.certificate = {Quote(cert)}");
        if (o.TlsKey is { } key) lines.Add($"hub.tls.key = {Quote(key)}");
        if (o.TlsPfx is { } pfx) lines.Add($"hub.tls.pfx = {Quote(pfx)}");
        if (o.TlsPfxPasswordFile is { } password) lines.Add($"hub.tls.pfx-password-file = {Quote(password)}");
        if (o.MaxHeaderSize is { } head)
        {
            lines.Add($"hub.http.max-request-line-size = {head}");
            lines.Add($"hub.http.max-request-headers-total-size = {head}");
        }
        if (o.IdleTimeout is { } idle)
        {
            // Whole milliseconds: HOCON durations take no fractions of a unit reliably.
            var ms = Math.Max(1, (long)Math.Round(idle.TotalMilliseconds));
            lines.Add($"hub.http.keep-alive-timeout = {ms}ms");
            lines.Add($"hub.http.request-headers-timeout = {ms}ms");
        }
        return lines.Count == 0 ? null : ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    /// <summary>
    /// Each key=value becomes one HOCON assignment. A value starting with [, { or " is HOCON as written; any other
    /// value is taken literally as a string (so "http://x" is not cut at "//", which HOCON reads as a comment).
    /// Hub's and Akka's readers parse numbers, sizes, durations and on/off from strings.
    /// </summary>
    private static Config? Overrides(IReadOnlyList<string> entries)
    {
        Config? config = null;
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0) throw new HostStartupException($"--set expects key=value, got '{entry}'");
            var key = entry[..eq].Trim();
            var value = entry[(eq + 1)..].Trim();
            var hocon = value.Length > 0 && value[0] is '[' or '{' or '"' ? value : Quote(value);
            Config one;
            try
            {
                one = HoconSyntax.Parse($"{key} = {hocon}");
            }
            catch (Exception e)
            {
                throw new HostStartupException($"--set {entry} is not a valid HOCON assignment: {FirstLine(e.Message)}", e);
            }
            config = config is null ? one : one.WithFallback(config);
        }
        return config;
    }

    private static Config ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var what = e is FileNotFoundException or DirectoryNotFoundException ? "not found" : "unreadable: " + FirstLine(e.Message);
            throw new HostStartupException($"config file '{path}' {what}", e);
        }
        try
        {
            return HoconSyntax.Parse(text);
        }
        catch (Exception e)
        {
            throw new HostStartupException($"config file '{path}' is not valid HOCON: {FirstLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// CoordinatedShutdown gives service-requests-done a fixed budget; a longer hub.shutdown.drain-timeout would be
    /// cut short by it, so the phase is stretched to the drain plus a margin for the aborts that follow.
    /// </summary>
    private static Config DrainFitsShutdownPhase(Config config, HubSettings settings)
    {
        const string phase = "akka.coordinated-shutdown.phases.service-requests-done.timeout";
        var drain = settings.Shutdown.DrainTimeout;
        if (drain == Timeout.InfiniteTimeSpan) return config;
        var budget = config.HasPath(phase) ? config.GetTimeSpan(phase) : TimeSpan.Zero;
        var needed = drain + TimeSpan.FromSeconds(5);
        return budget >= needed
            ? config
            : ConfigurationFactory.ParseString($"{phase} = {(long)Math.Ceiling(needed.TotalMilliseconds)}ms").WithFallback(config);
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);

    private static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).ToString();
    }
}
