using Akka.Actor;

namespace Hub.PubSub;

/// <summary>
/// Where a room's owner (<see cref="RoomEntityActor"/>) lives decides what the owner itself does not: whether a
/// predecessor's state may be waiting for it, how it asks its parent to stop it once idle, and where its state goes
/// when it must move. <see cref="Local"/> is a child of <see cref="LocalRoomShard"/>; the Hub.Cluster package brings
/// the cluster-sharded home, so Hub.Core needs no cluster package.
/// </summary>
internal abstract class RoomOwnerHome
{
    public static readonly RoomOwnerHome Local = new LocalHome();

    /// <summary>True where an owner can move between nodes: it first takes a hand-over snapshot from its node.</summary>
    public abstract bool MayInheritState { get; }

    /// <summary>What the owner sends its parent to be stopped once it has no members and nothing worth keeping.</summary>
    public abstract object Passivation(string room);

    /// <summary>Sends a moving owner's state to wherever its next incarnation may start.</summary>
    public abstract void HandOver(IActorContext context, RoomSnapshot snapshot);

    private sealed class LocalHome : RoomOwnerHome
    {
        public override bool MayInheritState => false;

        public override object Passivation(string room) => new LocalRoomShard.Passivate(room);

        // A local owner never moves: nothing to hand over.
        public override void HandOver(IActorContext context, RoomSnapshot snapshot) { }
    }
}
