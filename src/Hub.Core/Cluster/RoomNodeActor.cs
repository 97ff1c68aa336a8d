using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub.Cluster;

/// <summary>
/// This node's single member of the cluster's room topics. It keeps the node subscribed to topic
/// <c>hub-room:&lt;room&gt;</c> while the room has local subscribers, publishes every local broadcast to the mediator
/// (one actor per node, so DistributedPubSub's per sender–receiver order gives per-publisher order), and turns each
/// incoming <see cref="RoomFrame"/> into one <see cref="PreparedFrame"/> for the local <see cref="RoomRegistryActor"/>.
/// </summary>
internal sealed class RoomNodeActor : ReceiveActor
{
    public const string TopicPrefix = "hub-room:";

    private readonly IActorRef _registry;
    private readonly IActorRef _mediator;
    private readonly string _selfNode;
    private readonly Dictionary<string, TopicState> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, List<(string Room, IActorRef Outbox)>> _byOwner = new();

    // Acks still due for subscriptions abandoned before they were acknowledged: the mediator answers in order, so
    // the next acks for such a room belong to those, not to a newer subscription.
    private readonly Dictionary<string, int> _staleAcks = new(StringComparer.Ordinal);

    public RoomNodeActor(IActorRef registry, IActorRef mediator, string selfNode)
    {
        _registry = registry;
        _mediator = mediator;
        _selfNode = selfNode;

        Receive<Join>(OnJoin);
        Receive<Leave>(l =>
        {
            RemoveOutbox(l.Room, l.Outbox);
            foreach (var (owner, owned) in _byOwner)
            {
                if (owned.RemoveAll(e => e.Room == l.Room && e.Outbox.Equals(l.Outbox)) == 0) continue;
                if (owned.Count == 0)
                {
                    _byOwner.Remove(owner);
                    Context.Unwatch(owner);
                }
                break;
            }
            Sender.Tell(Left.Instance);
        });
        Receive<Terminated>(t =>
        {
            if (!_byOwner.Remove(t.ActorRef, out var owned)) return;
            foreach (var (room, outbox) in owned) RemoveOutbox(room, outbox);
        });
        Receive<SubscribeAck>(ack =>
        {
            var room = RoomOf(ack.Subscribe.Topic);
            if (_staleAcks.TryGetValue(room, out var stale))
            {
                if (stale == 1) _staleAcks.Remove(room);
                else _staleAcks[room] = stale - 1;
                return;
            }
            if (!_topics.TryGetValue(room, out var state) || state.Acked) return;
            state.Acked = true;
            foreach (var waiter in state.Waiters) waiter.Tell(Joined.Instance);
            state.Waiters.Clear();
        });
        Receive<UnsubscribeAck>(_ => { });
        Receive<LocalPublish>(p =>
        {
            // The origin node delivers itself (the except ref only exists here) and ignores its copy from the topic.
            _registry.Tell(new RoomProtocol.Publish(p.Room, p.Frame, p.Except));
            var frame = new RoomFrame(p.Room, p.Frame.IsText, p.Frame.PayloadToArray(), _selfNode, p.PublisherId);
            _mediator.Tell(new Publish(TopicPrefix + p.Room, frame));
        });
        Receive<RoomFrame>(f =>
        {
            if (f.OriginNode == _selfNode) return;
            // Framed once per node, then shared by every local recipient.
            var prepared = f.IsText ? PreparedFrame.Text(f.Payload) : PreparedFrame.Binary(f.Payload);
            _registry.Tell(new RoomProtocol.Publish(f.Room, prepared, null));
        });
    }

    private void OnJoin(Join j)
    {
        if (!_byOwner.TryGetValue(j.Owner, out var owned))
        {
            _byOwner[j.Owner] = owned = new List<(string, IActorRef)>(2);
            Context.Watch(j.Owner);
        }
        if (!_topics.TryGetValue(j.Room, out var state))
        {
            _topics[j.Room] = state = new TopicState();
            _mediator.Tell(new Subscribe(TopicPrefix + j.Room, Self));
        }
        if (state.Outboxes.Add(j.Outbox)) owned.Add((j.Room, j.Outbox));
        if (state.Acked) Sender.Tell(Joined.Instance);
        else state.Waiters.Add(Sender);
    }

    private void RemoveOutbox(string room, IActorRef outbox)
    {
        if (!_topics.TryGetValue(room, out var state)) return;
        state.Outboxes.Remove(outbox);
        if (state.Outboxes.Count > 0) return;
        _topics.Remove(room);
        if (!state.Acked)
        {
            _staleAcks[room] = _staleAcks.GetValueOrDefault(room) + 1;
            // Nobody waits for a join that was already left.
            foreach (var waiter in state.Waiters) waiter.Tell(Joined.Instance);
        }
        _mediator.Tell(new Unsubscribe(TopicPrefix + room, Self));
    }

    private static string RoomOf(string topic) => topic.StartsWith(TopicPrefix, StringComparison.Ordinal) ? topic[TopicPrefix.Length..] : topic;

    private sealed class TopicState
    {
        public readonly HashSet<IActorRef> Outboxes = new();
        public readonly List<IActorRef> Waiters = new(1);
        public bool Acked;
    }

    /// <summary>Keep this node in the room's topic while <paramref name="Outbox"/> is subscribed; replies <see cref="Joined"/>
    /// once the topic subscription is acknowledged.</summary>
    public sealed record Join(string Room, IActorRef Outbox, IActorRef Owner) : INoSerializationVerificationNeeded;

    public sealed class Joined : INoSerializationVerificationNeeded
    {
        public static readonly Joined Instance = new();
    }

    /// <summary>Replies <see cref="Left"/>.</summary>
    public sealed record Leave(string Room, IActorRef Outbox) : INoSerializationVerificationNeeded;

    public sealed class Left : INoSerializationVerificationNeeded
    {
        public static readonly Left Instance = new();
    }

    /// <summary>A broadcast from this node: delivered locally, then once to every other node in the topic.</summary>
    public sealed record LocalPublish(string Room, PreparedFrame Frame, IActorRef? Except, string? PublisherId)
        : INoSerializationVerificationNeeded;
}
