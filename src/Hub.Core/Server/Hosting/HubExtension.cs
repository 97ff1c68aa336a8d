using Akka.Actor;
using Hub.Configuration;
using Hub.PubSub;

namespace Hub.Server.Hosting;

/// <summary>
/// Hub's per-ActorSystem services: the room registry and the settings it was started with. One per ActorSystem,
/// created on first use: <c>HubExtension.Get(system).Rooms.Publish("lobby", "hello")</c>.
/// </summary>
public sealed class HubExtension : IExtension
{
    internal HubExtension(ExtendedActorSystem system)
    {
        // Hub's reference config is the fallback of whatever the system was created with.
        system.Settings.InjectTopLevelFallback(HubSettings.DefaultConfig());
        Settings = HubSettings.FromConfig(system.Settings.Config);
        var rooms = Settings.Rooms;
        // Loaded and checked before any actor of Hub starts, so a misconfigured system fails cleanly.
        var owners = rooms.Backend == RoomBackendKind.Distributed
            ? RoomOwnersProviderLoader.Load(rooms.DistributedProvider).StartOwners(system, rooms)
            : system.SystemActorOf(Props.Create(() => new LocalRoomShard(rooms)), "hub-room-owners");
        var node = system.SystemActorOf(Props.Create(() => new RoomNodeActor(owners, rooms)), RoomNodeActor.Name);
        var maxBroadcast = rooms.Backend == RoomBackendKind.Distributed ? rooms.MaxBroadcastSize : int.MaxValue;
        RoomsImpl = new Rooms(system, new RoomBackend(node, owners, maxBroadcast, rooms.AskTimeout, rooms.PublishTimeout));
    }

    public HubSettings Settings { get; }

    /// <summary>Rooms of this node (or, with a cluster backend, of the cluster).</summary>
    public IRooms Rooms => RoomsImpl;

    internal Rooms RoomsImpl { get; }

    public static HubExtension Get(ActorSystem system) => system.WithExtension<HubExtension, HubExtensionProvider>();
}

/// <summary>Akka extension id for <see cref="HubExtension"/>.</summary>
public sealed class HubExtensionProvider : ExtensionIdProvider<HubExtension>
{
    public override HubExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
