using Akka.Actor;
using Hub.Configuration;

namespace Hub.PubSub;

/// <summary>
/// The single-node home of room owners: one <see cref="RoomEntityActor"/> child per room, started by the first
/// command for it — what cluster sharding does across nodes, inside one ActorSystem. Commands for a room whose owner
/// is passivating wait here and go to its next incarnation, so none is lost.
/// </summary>
internal sealed class LocalRoomShard : ReceiveActor
{
    private readonly RoomSettings _settings;
    private readonly Dictionary<string, IActorRef> _owners = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _rooms = new();
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _waiting = new(StringComparer.Ordinal);
    private long _incarnation;

    public LocalRoomShard(RoomSettings settings)
    {
        _settings = settings;
        Receive<IRoomCommand>(c =>
        {
            if (_waiting.TryGetValue(c.Room, out var queue)) queue.Add((c, Sender));
            else OwnerOf(c.Room).Forward(c);
        });
        Receive<Passivate>(p =>
        {
            if (!_owners.TryGetValue(p.Room, out var owner) || !owner.Equals(Sender) || _waiting.ContainsKey(p.Room)) return;
            _waiting[p.Room] = [];
            // After what it already has in its mailbox, like sharding's passivation; a join among those makes the
            // node watch an owner that then stops, and the node joins again.
            owner.Tell(PoisonPill.Instance);
        });
        Receive<Terminated>(t =>
        {
            if (!_rooms.Remove(t.ActorRef, out var room)) return;
            _owners.Remove(room);
            if (!_waiting.Remove(room, out var queue) || queue.Count == 0) return;
            var next = OwnerOf(room);
            foreach (var (message, sender) in queue) next.Tell(message, sender);
        });
    }

    /// <summary>An owner that fails is stopped, never restarted with empty state: nodes watching it join again.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private IActorRef OwnerOf(string room)
    {
        if (_owners.TryGetValue(room, out var owner)) return owner;
        owner = Context.ActorOf(Props.Create(() => new RoomEntityActor(room, _settings, RoomOwnerHome.Local)), ChildName(room));
        Context.Watch(owner);
        _owners[room] = owner;
        _rooms[owner] = room;
        return owner;
    }

    /// <summary>Room names are arbitrary text; actor names are not. Escaped, plus a counter so a passivating
    /// incarnation's name is never reused while it still exists.</summary>
    private string ChildName(string room) => Uri.EscapeDataString(room).Replace("%", "~", StringComparison.Ordinal) + "-" + ++_incarnation;

    /// <summary>From an idle owner: stop me; hold my room's commands until I am gone.</summary>
    public sealed record Passivate(string Room) : INoSerializationVerificationNeeded;
}
