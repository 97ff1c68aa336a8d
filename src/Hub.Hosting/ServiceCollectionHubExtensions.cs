using Akka.Actor;
using Hub.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hub.Hosting;

/// <summary>
/// Puts Hub's services in the host's container. This is a call of its own rather than an option of
/// <see cref="AkkaConfigurationBuilderHubExtensions.WithHub"/> because Akka.Hosting runs the <c>AddAkka</c> callback
/// when the container is first asked for the ActorSystem, after the service collection has become read-only.
/// </summary>
public static class ServiceCollectionHubExtensions
{
    /// <summary>
    /// Registers <see cref="IRooms"/> (the rooms of the ActorSystem that <c>AddAkka</c> builds) and
    /// <see cref="HubEndpoint"/> (filled in by <c>WithHub</c> once the listener is bound) as singletons.
    /// </summary>
    public static IServiceCollection AddHubServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<HubEndpoint>();
        services.TryAddSingleton<IRooms>(sp => HubExtension.Get(sp.GetRequiredService<ActorSystem>()).Rooms);
        return services;
    }
}
