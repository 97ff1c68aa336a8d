using Akka.Actor;
using Akka.Configuration;
using Hub.Cluster;
using Hub.Configuration;
using Hub.PubSub;

namespace Hub.Hosting;

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
        // Checked before any actor starts, so a misconfigured system fails cleanly.
        if (Settings.Rooms.Backend == RoomBackendKind.Distributed && system.Provider is not Akka.Cluster.ClusterActorRefProvider)
            throw new ConfigurationException("hub.rooms.backend = distributed needs akka.actor.provider = cluster");
        if (system.Provider is Akka.Cluster.ClusterActorRefProvider)
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            Diagnostics.HubMetrics.SetClusterMembersProvider(() => cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up));
        }
        var rooms = Settings.Rooms;
        var owners = rooms.Backend == RoomBackendKind.Distributed
            ? RoomSharding.Start(system, rooms)
            : system.SystemActorOf(Props.Create(() => new LocalRoomShard(rooms)), "hub-room-owners");
        var node = system.SystemActorOf(Props.Create(() => new RoomNodeActor(owners)), RoomNodeActor.Name);
        var maxBroadcast = rooms.Backend == RoomBackendKind.Distributed ? rooms.MaxBroadcastSize : int.MaxValue;
        RoomsImpl = new Rooms(system, new RoomBackend(node, owners, maxBroadcast, rooms.AskTimeout));
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
