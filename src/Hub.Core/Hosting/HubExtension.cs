using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
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
        var registry = system.SystemActorOf(Props.Create(() => new RoomRegistryActor()), "hub-rooms");
        IRoomBackend backend = Settings.Rooms.Backend switch
        {
            RoomBackendKind.Distributed => StartDistributed(system, registry, Settings.Rooms),
            _ => new LocalRoomBackend(registry),
        };
        RoomsImpl = new Rooms(system, backend);
    }

    public HubSettings Settings { get; }

    /// <summary>Rooms of this node (or, with a cluster backend, of the cluster).</summary>
    public IRooms Rooms => RoomsImpl;

    internal Rooms RoomsImpl { get; }

    private static DistributedRoomBackend StartDistributed(ExtendedActorSystem system, IActorRef registry, RoomSettings settings)
    {
        // HubSerializer is bound to RoomFrame in reference.conf (akka.actor.serializers.hub), injected above.
        var mediator = DistributedPubSub.Get(system).Mediator;
        var self = Akka.Cluster.Cluster.Get(system).SelfAddress.ToString();
        var node = system.SystemActorOf(Props.Create(() => new RoomNodeActor(registry, mediator, self)), "hub-room-node");
        return new DistributedRoomBackend(registry, node, settings.MaxBroadcastSize);
    }

    public static HubExtension Get(ActorSystem system) => system.WithExtension<HubExtension, HubExtensionProvider>();
}

/// <summary>Akka extension id for <see cref="HubExtension"/>.</summary>
public sealed class HubExtensionProvider : ExtensionIdProvider<HubExtension>
{
    public override HubExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
