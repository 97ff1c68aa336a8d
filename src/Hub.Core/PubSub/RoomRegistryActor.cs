using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>
/// The single-node room backend: room → subscribed outbox refs. A publish wraps the prepared frame in one message
/// object and tells it to every subscriber's outbox — nothing is encoded or allocated per recipient. Owners (the
/// connection actors) are watched, so a closed connection leaves its rooms without anyone asking.
/// </summary>
internal sealed class RoomRegistryActor : ReceiveActor
{
    private readonly Dictionary<string, HashSet<IActorRef>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, List<(string Room, IActorRef Outbox)>> _byOwner = new();

    public RoomRegistryActor()
    {
        Receive<RoomProtocol.Subscribe>(s =>
        {
            if (!_rooms.TryGetValue(s.Room, out var members)) _rooms[s.Room] = members = new HashSet<IActorRef>();
            if (members.Add(s.Outbox))
            {
                if (!_byOwner.TryGetValue(s.Owner, out var owned))
                {
                    _byOwner[s.Owner] = owned = new List<(string, IActorRef)>(2);
                    Context.Watch(s.Owner);
                }
                owned.Add((s.Room, s.Outbox));
            }
            Sender.Tell(new RoomProtocol.Subscribed(s.Room));
        });
        Receive<RoomProtocol.Unsubscribe>(u =>
        {
            Remove(u.Room, u.Outbox);
            foreach (var (owner, owned) in _byOwner)
            {
                if (owned.RemoveAll(e => e.Room == u.Room && e.Outbox.Equals(u.Outbox)) == 0) continue;
                if (owned.Count == 0)
                {
                    _byOwner.Remove(owner);
                    Context.Unwatch(owner);
                }
                break;
            }
            Sender.Tell(new RoomProtocol.Unsubscribed(u.Room));
        });
        Receive<RoomProtocol.Publish>(p =>
        {
            if (!_rooms.TryGetValue(p.Room, out var members)) return;
            // One immutable element shared by every recipient; the room name is its conflation key.
            var element = new WsOutbound.Frame(p.Frame, p.Room);
            foreach (var outbox in members)
                if (!outbox.Equals(p.Except)) outbox.Tell(element, ActorRefs.NoSender);
        });
        Receive<Terminated>(t =>
        {
            if (!_byOwner.Remove(t.ActorRef, out var owned)) return;
            foreach (var (room, outbox) in owned) Remove(room, outbox);
        });
        Receive<RoomProtocol.GetStats>(_ =>
        {
            var counts = new Dictionary<string, int>(_rooms.Count, StringComparer.Ordinal);
            foreach (var (room, members) in _rooms) counts[room] = members.Count;
            Sender.Tell(new RoomProtocol.RoomStats(counts));
        });
    }

    private void Remove(string room, IActorRef outbox)
    {
        if (!_rooms.TryGetValue(room, out var members)) return;
        members.Remove(outbox);
        if (members.Count == 0) _rooms.Remove(room);
    }
}
