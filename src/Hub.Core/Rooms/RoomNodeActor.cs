using Akka.Actor;
using Hub.Configuration;
using Akka.Event;
using Hub.Diagnostics;
using Hub.Server;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>
/// This node's half of the rooms: the local members (sockets and server-side followers) of every room, and the
/// fan-out to them. Joins and leaves go to the room's owner (<see cref="RoomEntityActor"/>, reached through
/// <c>owners</c>: the local shard or the cluster shard region); the owner sends each message once per node and this
/// actor delivers it to every local member — the same frame object to each.
/// <para>It also keeps every member gap-free: each member remembers the position it last got; a message that does
/// not follow it (owners moved, a message overtook another), or the owner's death, makes the member join again
/// with <c>since</c> = that position, and the owner replays what is missing or says it is lost.</para>
/// </summary>
internal sealed class RoomNodeActor : ReceiveActor, IWithTimers
{
    public const string Name = "hub-room-node";

    // How long a hand-off snapshot waits for the room's next owner (hub.rooms.hand-off-snapshot-ttl).
    private readonly TimeSpan _snapshotTtl;

    /// <summary>A join the owner has not answered within this is sent again: in a cluster it can be lost when it
    /// races the departure of the owner's node (the shard region still routes to the dead node for a moment).
    /// hub.rooms.join-retry.</summary>
    private readonly TimeSpan _joinRetry;

    private readonly IActorRef _owners;
    private readonly Dictionary<string, Dictionary<string, Member>> _rooms = new(StringComparer.Ordinal);
    // Per room, the members that asked for presence: a join or leave then costs O(watchers), not O(members) — with
    // 10,000 sockets joining a room nobody watches, scanning every member on every change was O(N²).
    private readonly Dictionary<string, HashSet<Member>> _presenceWatchers = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, List<Member>> _byOwner = new();
    private readonly Dictionary<IActorRef, int> _watchedEntities = new();
    private readonly Dictionary<string, (RoomSnapshot Snapshot, DateTime Expires)> _snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (List<RoomSnapshot> Parts, DateTime Expires)> _snapshotParts = new(StringComparer.Ordinal);
    private readonly HashSet<Member> _pending = new(ReferenceEqualityComparer.Instance);

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="owners">Where joins, leaves and publishes go: the local shard or the cluster's shard region.</param>
    /// <param name="settings">hub.rooms; null: the reference defaults.</param>
    public RoomNodeActor(IActorRef owners, RoomSettings? settings = null)
    {
        _owners = owners;
        settings ??= HubSettings.Default.Rooms;
        _snapshotTtl = settings.HandOffSnapshotTtl;
        _joinRetry = settings.JoinRetry;
        Receive<Join>(OnJoin);
        Receive<Leave>(l =>
        {
            if (Find(l.Room, l.Member) is { } m) Remove(m, tellOwner: true);
            Sender.Tell(Left.Instance);
        });
        Receive<JoinAccepted>(OnJoinAccepted);
        Receive<RoomMessage>(OnMessage);
        Receive<PresenceChanged>(OnPresence);
        Receive<Terminated>(OnTerminated);
        Receive<RoomSnapshot>(part =>
        {
            var now = DateTime.UtcNow;
            foreach (var room in _snapshots.Where(e => e.Value.Expires < now).Select(e => e.Key).ToArray()) _snapshots.Remove(room);
            foreach (var room in _snapshotParts.Where(e => e.Value.Expires < now).Select(e => e.Key).ToArray()) _snapshotParts.Remove(room);
            // Parts of a newer hand-off replace whatever was collected for the room before.
            if (!_snapshotParts.TryGetValue(part.Room, out var collecting) || collecting.Parts[0].Epoch != part.Epoch
                || collecting.Parts[0].Head != part.Head || collecting.Parts[0].Parts != part.Parts)
                _snapshotParts[part.Room] = collecting = ([], now + _snapshotTtl);
            if (collecting.Parts.All(p => p.Part != part.Part)) collecting.Parts.Add(part);
            if (collecting.Parts.Count < part.Parts) return;
            _snapshotParts.Remove(part.Room);
            _snapshots[part.Room] = (RoomSnapshot.Join(collecting.Parts), now + _snapshotTtl);
        });
        Receive<TakeSnapshot>(t =>
        {
            var snapshot = _snapshots.Remove(t.Room, out var entry) && entry.Expires >= DateTime.UtcNow ? entry.Snapshot : null;
            Sender.Tell(new SnapshotTaken(snapshot));
        });
        Receive<RetryJoins>(_ =>
        {
            var due = Environment.TickCount64 - (long)_joinRetry.TotalMilliseconds;
            foreach (var m in _pending)
                if (m.JoinSentAt <= due) SendJoin(m);
            if (_pending.Count == 0) Timers.Cancel(RetryJoins.Instance);
        });
        Receive<GetLocalCounts>(_ =>
        {
            var counts = new Dictionary<string, int>(_rooms.Count, StringComparer.Ordinal);
            foreach (var (room, members) in _rooms)
            {
                // Members whose join the owner accepted: the ones a message published now reaches.
                var active = members.Values.Count(m => m.Active);
                if (active > 0) counts[room] = active;
            }
            Sender.Tell(new LocalCounts(counts));
        });
    }

    private void OnJoin(Join j)
    {
        // Joining again replaces the earlier membership (removed first: it may have been the room's last member).
        if (Find(j.Room, j.Member) is { } existing) Remove(existing, tellOwner: false);
        if (!_rooms.TryGetValue(j.Room, out var members))
        {
            _rooms[j.Room] = members = new Dictionary<string, Member>(StringComparer.Ordinal);
            HubMetrics.RoomsChanged(1);
        }
        HubMetrics.SubscribersChanged(1);
        var member = new Member(j, Sender);
        members[j.Member] = member;
        if (member.Presence != PresenceDelivery.None)
        {
            if (!_presenceWatchers.TryGetValue(j.Room, out var watchers)) _presenceWatchers[j.Room] = watchers = [];
            watchers.Add(member);
        }
        if (!_byOwner.TryGetValue(j.Owner, out var owned))
        {
            _byOwner[j.Owner] = owned = new List<Member>(2);
            Context.Watch(j.Owner);
        }
        owned.Add(member);
        SendJoin(member);
    }

    private void OnJoinAccepted(JoinAccepted a)
    {
        // An active member already had this join answered: this is the answer to a retry, and the live messages
        // since the first answer have been delivered.
        if (Find(a.Room, a.Member) is not { Active: false } m) return;
        _pending.Remove(m);
        if (m.Entity is null || !m.Entity.Equals(Sender))
        {
            UnwatchEntity(m.Entity);
            m.Entity = Sender;
            _watchedEntities[Sender] = _watchedEntities.GetValueOrDefault(Sender) + 1;
            if (_watchedEntities[Sender] == 1) Context.Watch(Sender);
        }
        var firstJoin = m.Asker is not null;
        // A socket's own join that cannot be recovered starts at the head with nothing replayed (its client learns it
        // from the join result); a rejoin (the owner moved or failed under a live member) or a server-side follower
        // instead gets a reset and every retained message of the current run, so nothing published meanwhile is lost.
        var replay = a.Recovered || !firstJoin || m.Mode == DeliveryMode.Events ? a.Replay : [];
        var start = replay.Count > 0 ? new RoomPosition(a.Head.Epoch, replay[0].Offset - 1) : a.Head;
        var result = firstJoin ? new RoomJoinResult(a.Head, a.Recovered, a.Recovered ? replay.Count : 0, a.Reason, m.Id) : null;
        if (result is not null && m.Mode == DeliveryMode.Envelopes && m.SendJoined) m.Send(new WsOutbound.Frame(RoomEnvelopes.Joined(a.Room, result)));
        if (!a.Recovered && (!firstJoin || m.Mode == DeliveryMode.Events)) SendReset(m, start, a.Reason ?? "epoch-changed");
        // Where this member stands now: just before the first replayed message, or at the head. A position already
        // further inside the same run (a second rejoin raced the first) is kept, so nothing is delivered twice.
        var keep = a.Recovered && m.Position is { } p && p.Epoch == start.Epoch && p.Offset > start.Offset && p.Offset <= a.Head.Offset;
        if (!keep) m.Position = start;
        foreach (var message in replay) Deliver(m, message, frame: null, envelope: null);
        m.Active = true;
        if (result is not null)
        {
            // Answered only now: the joined frame and the replay are queued for the socket before the handler's
            // continuation can write anything after JoinAsync, so they reach the client first.
            m.Asker!.Tell(result);
            m.Asker = null;
        }
    }

    private void OnMessage(RoomMessage message)
    {
        if (!_rooms.TryGetValue(message.Room, out var members)) return;
        // One element per kind of recipient, built at most once per message on this node.
        WsOutbound.Frame? frame = null, envelope = null;
        var fanOut = 0;
        foreach (var m in members.Values)
        {
            if (!m.Active) continue;
            var p = m.Position!.Value;
            if (p.Epoch == message.Epoch && message.Offset <= p.Offset) continue; // already delivered (a replay overlapped)
            if (p.Epoch != message.Epoch || message.Offset != p.Offset + 1)
            {
                // Not the next message: let the owner fill the gap rather than deliver out of order.
                Rejoin(m);
                continue;
            }
            Deliver(m, message, ref frame, ref envelope);
            fanOut++;
        }
        HubMetrics.BroadcastFanOut(fanOut);
    }

    private void Deliver(Member m, RoomMessage message, WsOutbound.Frame? frame, WsOutbound.Frame? envelope) =>
        Deliver(m, message, ref frame, ref envelope);

    private static void Deliver(Member m, RoomMessage message, ref WsOutbound.Frame? frame, ref WsOutbound.Frame? envelope)
    {
        var p = m.Position!.Value;
        if (p.Epoch == message.Epoch && message.Offset <= p.Offset) return;
        m.Position = message.Position;
        if (message.ExceptMember is not null && message.ExceptMember == m.Id) return;
        switch (m.Mode)
        {
            case DeliveryMode.Raw:
                m.Send(frame ??= new WsOutbound.Frame(message.Frame, message.Room));
                break;
            case DeliveryMode.Envelopes:
                m.Send(envelope ??= new WsOutbound.Frame(RoomEnvelopes.Message(message), message.Room));
                break;
            default:
                m.Outbox.Tell(new ToFollower(new RoomEvent(RoomEventKind.Message, message.Position,
                    new WsMessage(message.Frame.IsText, message.Frame.PayloadToArray()), null)), ActorRefs.NoSender);
                break;
        }
    }

    private void SendReset(Member m, RoomPosition position, string reason)
    {
        switch (m.Mode)
        {
            case DeliveryMode.Envelopes:
                m.Send(new WsOutbound.Frame(RoomEnvelopes.Reset(m.Room, position, reason)));
                break;
            case DeliveryMode.Events:
                m.Outbox.Tell(new ToFollower(new RoomEvent(RoomEventKind.Reset, position, null, reason)), ActorRefs.NoSender);
                break;
        }
        // Raw members see bare payloads: they have no positions, so there is nothing to tell them.
    }

    private void OnPresence(PresenceChanged c)
    {
        if (!_presenceWatchers.TryGetValue(c.Event.Room, out var watchers)) return;
        WsOutbound.Frame? frame = null;
        foreach (var m in watchers)
        {
            if (!m.Active) continue;
            switch (m.Presence)
            {
                case PresenceDelivery.Client when m.Mode == DeliveryMode.Envelopes:
                    m.Send(frame ??= new WsOutbound.Frame(RoomEnvelopes.Presence(c.Event)));
                    break;
                case PresenceDelivery.Handler:
                    m.Owner.Tell(new ToHandler(c.Event), ActorRefs.NoSender);
                    break;
            }
        }
    }

    private void OnTerminated(Terminated t)
    {
        if (_byOwner.Remove(t.ActorRef, out var owned))
        {
            foreach (var m in owned.ToArray()) Remove(m, tellOwner: true);
            return;
        }
        if (!_watchedEntities.Remove(t.ActorRef)) return;
        Context.GetLogger().Info("room owner {0} stopped; its members join again", t.ActorRef.Path);
        // The room's owner stopped (handed off, passivated, or its node died): every member it held joins again
        // from its position; the next owner replays or reports the gap.
        foreach (var members in _rooms.Values)
            foreach (var m in members.Values)
                if (t.ActorRef.Equals(m.Entity))
                {
                    m.Entity = null;
                    Rejoin(m);
                }
    }

    private void Rejoin(Member m)
    {
        m.Active = false;
        SendJoin(m);
    }

    /// <summary>Asks the owner to (re)admit <paramref name="m"/> from its position; repeated until answered.</summary>
    private void SendJoin(Member m)
    {
        m.JoinSentAt = Environment.TickCount64;
        _owners.Tell(new JoinRoom(m.Room, m.Id, m.User, Self, m.Position));
        if (_pending.Add(m) && _pending.Count == 1) Timers.StartPeriodicTimer(RetryJoins.Instance, RetryJoins.Instance, _joinRetry);
    }

    private void Remove(Member m, bool tellOwner)
    {
        _pending.Remove(m);
        if (_rooms.TryGetValue(m.Room, out var members) && members.TryGetValue(m.Id, out var current) && ReferenceEquals(current, m))
        {
            members.Remove(m.Id);
            HubMetrics.SubscribersChanged(-1);
            if (_presenceWatchers.TryGetValue(m.Room, out var watchers) && watchers.Remove(m) && watchers.Count == 0)
                _presenceWatchers.Remove(m.Room);
            if (members.Count == 0)
            {
                _rooms.Remove(m.Room);
                HubMetrics.RoomsChanged(-1);
            }
        }
        if (_byOwner.TryGetValue(m.Owner, out var owned))
        {
            owned.Remove(m);
            if (owned.Count == 0)
            {
                _byOwner.Remove(m.Owner);
                Context.Unwatch(m.Owner);
            }
        }
        UnwatchEntity(m.Entity);
        m.Entity = null;
        // Nobody waits for a join that was already left.
        m.Asker?.Tell(new RoomJoinResult(new RoomPosition("", 0), false, 0, "left", m.Id));
        m.Asker = null;
        if (tellOwner) _owners.Tell(new LeaveRoom(m.Room, m.Id));
    }

    private void UnwatchEntity(IActorRef? entity)
    {
        if (entity is null || !_watchedEntities.TryGetValue(entity, out var count)) return;
        if (count > 1)
        {
            _watchedEntities[entity] = count - 1;
            return;
        }
        _watchedEntities.Remove(entity);
        Context.Unwatch(entity);
    }

    private Member? Find(string room, string member) =>
        _rooms.TryGetValue(room, out var members) && members.TryGetValue(member, out var m) ? m : null;

    /// <summary>How a member gets messages: the bare published frame, a JSON envelope with its position, or (for
    /// server-side followers) <see cref="RoomEvent"/> objects.</summary>
    public enum DeliveryMode
    {
        Raw,
        Envelopes,
        Events,
    }

    private sealed class Member(Join j, IActorRef asker)
    {
        public readonly string Room = j.Room;
        public readonly string Id = j.Member;
        public readonly string? User = j.Options.User;
        public readonly IActorRef Outbox = j.Outbox;
        private readonly OutboxQueue? _queue = j.Queue;
        public readonly IActorRef Owner = j.Owner;
        public readonly DeliveryMode Mode = j.Mode;
        public readonly PresenceDelivery Presence = j.Options.Presence;
        public readonly bool SendJoined = j.Options.SendJoined;
        public IActorRef? Asker = asker;
        public IActorRef? Entity;
        public bool Active;
        public long JoinSentAt;

        /// <summary>The last message this member got (or the head it joined at); null until the first acceptance.</summary>
        public RoomPosition? Position = j.Options.Since;

        /// <summary>A frame for a socket member: batched through its outbox queue when it has one (one wake-up per
        /// burst instead of a message per frame), else told to its outbox. Every frame to one member takes the same
        /// way, so they stay in order.</summary>
        public void Send(WsOutbound.Frame frame)
        {
            if (_queue is not null) _queue.Post(frame);
            else Outbox.Tell(frame, ActorRefs.NoSender);
        }
    }

    private sealed class RetryJoins : INoSerializationVerificationNeeded
    {
        public static readonly RetryJoins Instance = new();
    }

    /// <summary>A room event for a server-side follower (local only: followers live on this node).</summary>
    public sealed record ToFollower(RoomEvent Event) : INoSerializationVerificationNeeded;

    /// <summary>A presence event for a socket's <see cref="WebSocketHandler.OnPresenceAsync"/> (local only).</summary>
    public sealed record ToHandler(PresenceEvent Event) : INoSerializationVerificationNeeded;

    /// <summary>Add a local member; replies <see cref="RoomJoinResult"/> once the owner accepted it. <c>Queue</c> is a
    /// local socket's batching queue (see <see cref="OutboxQueue"/>), null for followers.</summary>
    public sealed record Join(string Room, string Member, IActorRef Outbox, IActorRef Owner, DeliveryMode Mode, RoomJoinOptions Options,
        OutboxQueue? Queue = null) : INoSerializationVerificationNeeded;

    /// <summary>Replies <see cref="Left"/>.</summary>
    public sealed record Leave(string Room, string Member) : INoSerializationVerificationNeeded;

    public sealed class Left : INoSerializationVerificationNeeded
    {
        public static readonly Left Instance = new();
    }

    /// <summary>From a starting owner: the state its predecessor handed over, if it reached this node.</summary>
    public sealed record TakeSnapshot(string Room) : INoSerializationVerificationNeeded;

    public sealed record SnapshotTaken(RoomSnapshot? Snapshot) : INoSerializationVerificationNeeded;

    public sealed class GetLocalCounts : INoSerializationVerificationNeeded
    {
        public static readonly GetLocalCounts Instance = new();
    }

    public sealed record LocalCounts(IReadOnlyDictionary<string, int> Counts) : INoSerializationVerificationNeeded;
}
