using Akka.Configuration;

namespace Hub.PubSub;

/// <summary>Loads the <see cref="IRoomOwnersProvider"/> named in hub.rooms.distributed-provider, or says which package
/// is missing: the default names Hub.Cluster's, present only when the application references that package.</summary>
internal static class RoomOwnersProviderLoader
{
    public static IRoomOwnersProvider Load(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: false)
            ?? throw new ConfigurationException(
                $"hub.rooms.backend = distributed needs the Hub.Cluster package: add a reference to Hub.Cluster (type '{typeName}' named by hub.rooms.distributed-provider was not found)");
        if (!typeof(IRoomOwnersProvider).IsAssignableFrom(type))
            throw new ConfigurationException($"hub.rooms.distributed-provider: '{typeName}' is not a Hub room backend provider");
        return (IRoomOwnersProvider)Activator.CreateInstance(type, nonPublic: true)!;
    }
}
