using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Hub.Configuration;
using Hub.PubSub;

namespace Hub.Cluster;

/// <summary>
/// Rooms as cluster-sharded entities (type "hub-room", entity id = room name): exactly one owner per room in the
/// cluster, moved by sharding when nodes join or leave. Its hand-off stop message is <see cref="HandOffRoom"/>, so a
/// leaving owner first hands its epoch, history and presence to the other nodes.
/// </summary>
internal static class RoomSharding
{
    public const string TypeName = "hub-room";

    public static IActorRef Start(ActorSystem system, RoomSettings settings)
    {
        var sharding = ClusterSharding.Get(system);
        // A room owner leaves only on its own terms (hand-off, or passivation once empty and aged out): sharding's idle
        // passivation (120 s without a message by default) would drop a quiet room's members and history.
        var config = system.Settings.Config;
        var shardingConfig = ConfigurationFactory.ParseString("passivate-idle-entity-after = off")
            .WithFallback(config.GetConfig("akka.cluster.sharding"));
        var shardingSettings = ClusterShardingSettings.Create(shardingConfig,
            config.GetConfig(shardingConfig.GetString("coordinator-singleton")));
        return sharding.Start(TypeName,
            room => Props.Create(() => new RoomEntityActor(room, settings, ShardedRoomHome.Instance)),
            shardingSettings,
            new RoomMessageExtractor(settings.Shards),
            sharding.DefaultShardAllocationStrategy(shardingSettings),
            HandOffRoom.Instance);
    }

    /// <summary>Routes every <see cref="IRoomCommand"/> by its room name.</summary>
    private sealed class RoomMessageExtractor(int shards) : HashCodeMessageExtractor(shards)
    {
        public override string EntityId(object message) => message is IRoomCommand c ? c.Room : null!;
    }
}
