using Akka.Actor;
using Akka.Cluster.Sharding;
using Hub.PubSub;

namespace Hub.Cluster;

/// <summary>
/// A room owner as a cluster-sharded entity: it may inherit a predecessor's state (a hand-over snapshot waiting at
/// its node), asks its shard to passivate it, and on hand-off sends its state to every other up node's
/// RoomNodeActor, since any of them may host the next owner.
/// </summary>
internal sealed class ShardedRoomHome : RoomOwnerHome
{
    public static readonly ShardedRoomHome Instance = new();

    private ShardedRoomHome() { }

    public override bool MayInheritState => true;

    public override object Passivation(string room) => new Passivate(PoisonPill.Instance);

    public override void HandOver(IActorContext context, RoomSnapshot snapshot)
    {
        var parts = snapshot.Split();
        var cluster = Akka.Cluster.Cluster.Get(context.System);
        foreach (var member in cluster.State.Members)
        {
            if (member.Address.Equals(cluster.SelfAddress) || member.Status != Akka.Cluster.MemberStatus.Up) continue;
            var node = context.ActorSelection(new RootActorPath(member.Address) / "system" / RoomNodeActor.Name);
            foreach (var part in parts) node.Tell(part, context.Self);
        }
    }
}
