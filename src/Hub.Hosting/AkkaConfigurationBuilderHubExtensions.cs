using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.DependencyInjection;
using Akka.Hosting;
using Hub.Configuration;
using Hub.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Hosting;

/// <summary>
/// Hosts Hub in the ActorSystem that Akka.Hosting builds for a Microsoft.Extensions.Hosting application:
/// <code>
/// builder.Services.AddSingleton&lt;Greeter&gt;();
/// builder.Services.AddHubServices(); // IRooms and HubEndpoint in the container
/// builder.Services.AddAkka("app", akka => akka
///     .WithActors((system, registry) => registry.Register&lt;Orders&gt;(system.ActorOf(Props.Create&lt;Orders&gt;(), "orders")))
///     .WithHub(app, hub => hub.Port = 8888));
/// </code>
/// </summary>
public static class AkkaConfigurationBuilderHubExtensions
{
    private const string DrainPhaseTimeout = "akka.coordinated-shutdown.phases.service-requests-done.timeout";

    /// <summary>
    /// Binds Hub's HTTP listener when the host starts — after every <c>WithActors</c> starter has run, so handlers
    /// find the app's actors in the <see cref="ActorRegistry"/> — and before <c>IHost.StartAsync</c> returns.
    /// <c>IHost.StopAsync</c> runs CoordinatedShutdown, where Hub refuses new connections, drains in-flight requests
    /// (hub.shutdown.drain-timeout) and closes WebSockets with 1001. Call it after any <c>AddHocon</c> that sets
    /// hub.* keys, so the shutdown phase can be sized to the drain.
    /// </summary>
    public static AkkaConfigurationBuilder WithHub(this AkkaConfigurationBuilder builder, Application application,
        Action<HubHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(application);
        var options = new HubHostingOptions();
        configure?.Invoke(options);

        var overrides = OverridesOf(options);
        // Hub's reference.conf as the last fallback: its keys are then in place when the system starts rather than
        // injected by HubExtension afterwards (Hub.Cluster's serializer binding is injected by its provider).
        builder.AddHocon(HubSettings.DefaultConfig(), HoconAddMode.Append);
        if (!overrides.IsEmpty) builder.AddHocon(overrides, HoconAddMode.Prepend);
        var phase = DrainPhaseFor(builder.Configuration.HasValue ? overrides.WithFallback(builder.Configuration.Value) : overrides);
        if (phase is not null) builder.AddHocon(phase, HoconAddMode.Prepend);

        builder.AddStartup(async (system, _) =>
        {
            var services = HostServicesOf(system);
            var endpoint = services?.GetService<HubEndpoint>();
            try
            {
                if (options.UseHostServices && services is not null) application.UseServices(services);
                var hub = HubExtension.Get(system);
                var binding = await HubServer.StartAsync(system, application, hub.Settings).ConfigureAwait(false);
                endpoint?.Bound(binding);
            }
            catch (Exception e)
            {
                endpoint?.Failed(e);
                throw;
            }
        });
        return builder;
    }

    /// <summary>The host's container, as Akka.Hosting hands it to the ActorSystem (Akka.DependencyInjection).</summary>
    private static IServiceProvider? HostServicesOf(ActorSystem system) =>
        DependencyResolver.For(system).Resolver switch
        {
            ServiceProviderDependencyResolver r => r.ServiceProvider,
            var r => r.GetService<IServiceProvider>(),
        };

    private static Config OverridesOf(HubHostingOptions options)
    {
        var config = Config.Empty;
        if (options.Config is not null) config = options.Config.WithFallback(config);
        if (options.Hocon is not null) config = ConfigurationFactory.ParseString(options.Hocon).WithFallback(config);
        var server = new List<string>();
        if (options.Hostname is not null) server.Add($"hub.server.hostname = {JsonSerializer.Serialize(options.Hostname)}");
        if (options.Port is { } port)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(port);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
            server.Add($"hub.server.port = {port}");
        }
        if (server.Count > 0) config = ConfigurationFactory.ParseString(string.Join("\n", server)).WithFallback(config);
        return config;
    }

    /// <summary>
    /// CoordinatedShutdown gives service-requests-done a fixed budget (5 s by default); a longer drain-timeout would
    /// be cut short by it, so the phase is stretched to the drain plus a margin for the aborts that follow.
    /// </summary>
    private static Config? DrainPhaseFor(Config known)
    {
        var drain = HubSettings.FromConfig(known.WithFallback(HubSettings.DefaultConfig())).Shutdown.DrainTimeout;
        if (drain == Timeout.InfiniteTimeSpan) return null;
        var budget = known.HasPath(DrainPhaseTimeout) ? known.GetTimeSpan(DrainPhaseTimeout) : TimeSpan.Zero;
        var needed = drain + TimeSpan.FromSeconds(5);
        return budget >= needed
            ? null
            : ConfigurationFactory.ParseString($"{DrainPhaseTimeout} = {(long)Math.Ceiling(needed.TotalMilliseconds)}ms");
    }
}
