using Akka.Actor;
using Akka.Configuration;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.PubSub;

namespace Hub.Cluster;

/// <summary>
/// Starts <c>hub.rooms.backend = distributed</c>: Hub.Core finds this type by the name in
/// <c>hub.rooms.distributed-provider</c> (its default), so referencing the Hub.Cluster package is all an application
/// does. It checks the ActorSystem is a cluster node, adds Hub's serializer for cross-node room messages, reports
/// the cluster's up members to <c>hub.cluster.members</c>, and starts the "hub-room" shard region.
/// </summary>
internal sealed class ClusterRoomOwnersProvider : IRoomOwnersProvider
{
    public IActorRef StartOwners(ExtendedActorSystem system, RoomSettings settings)
    {
        if (system.Provider is not Akka.Cluster.ClusterActorRefProvider)
            throw new ConfigurationException("hub.rooms.backend = distributed needs akka.actor.provider = cluster");
        system.Settings.InjectTopLevelFallback(DefaultConfig());
        var cluster = Akka.Cluster.Cluster.Get(system);
        HubMetrics.SetClusterMembersProvider(() => cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up));
        return RoomSharding.Start(system, settings);
    }

    /// <summary>Hub.Cluster's reference configuration (hocon/cluster-reference.conf): the serializer binding.</summary>
    public static Config DefaultConfig()
    {
        using var stream = typeof(ClusterRoomOwnersProvider).Assembly.GetManifestResourceStream("Hub.Cluster.reference.conf")
            ?? throw new InvalidOperationException("Hub.Cluster.reference.conf is not embedded in Hub.Cluster");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
