using Akka.Configuration;
using Hub.Server.Hosting;

namespace Hub.Hosting;

/// <summary>
/// How <see cref="AkkaConfigurationBuilderHubExtensions.WithHub"/> starts Hub. Precedence, highest first:
/// <see cref="Hostname"/>/<see cref="Port"/>, <see cref="Hocon"/>, <see cref="Config"/>, the HOCON the application
/// added to the builder before <c>WithHub</c>, Hub's reference.conf.
/// </summary>
public sealed class HubHostingOptions
{
    /// <summary>hub.server.hostname: the interface to bind ("0.0.0.0", "127.0.0.1", a host name).</summary>
    public string? Hostname { get; set; }

    /// <summary>hub.server.port; 0 picks an ephemeral port, read it back from <see cref="HubEndpoint"/>.</summary>
    public int? Port { get; set; }

    /// <summary>Extra HOCON text (any hub.* or akka.* key).</summary>
    public string? Hocon { get; set; }

    /// <summary>Extra HOCON as a parsed <see cref="Akka.Configuration.Config"/> (e.g. <c>HubSettings.LoadConfig(path)</c>).</summary>
    public Config? Config { get; set; }

    /// <summary>
    /// Gives the <see cref="Application"/> the host's <see cref="IServiceProvider"/> when the host starts, so handler
    /// constructors are injected from it (<see cref="Application.UseServices"/>). Default: on. Turn it off when the
    /// Application was built with a provider of its own.
    /// </summary>
    public bool UseHostServices { get; set; } = true;
}
