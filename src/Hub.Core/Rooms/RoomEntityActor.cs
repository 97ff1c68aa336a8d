using Akka.Actor;
using Akka.Event;
using Hub.Configuration;

namespace Hub.PubSub;

/// <summary>
/// The owner of one room — a child of <see cref="LocalRoomShard"/> on a single node, a sharded entity in a cluster
/// (Hub.Cluster), so exactly one exists at a time; its <see cref="RoomOwnerHome"/> says which. It numbers every message (<see cref="RoomHistory"/>), keeps the bounded history
/// and the room's presence, and sends each message once to every node with members, which fan out locally.
/// </summary>
internal sealed class RoomEntityActor : ReceiveActor, IWithUnboundedStash
{
    private readonly string _room;
    private readonly RoomSettings _settings;
    private readonly RoomOwnerHome _home;
    private readonly Dictionary<string, RoomMemberEntry> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, int> _nodes = new();
    private RoomHistory _history = null!;

    public RoomEntityActor(string room, RoomSettings settings, RoomOwnerHome home)
    {
        _room = room;
        _settings = settings;
        _home = home;
        if (home.MayInheritState) Become(AwaitingSnapshot);
        else Start(null);
    }

    public IStash Stash { get; set; } = null!;

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected override void PreStart()
    {
        // A sharded room may have just moved here from a node that left: its state waits at this node's RoomNodeActor.
        if (_home.MayInheritState) Context.ActorSelection("/system/" + RoomNodeActor.Name).Tell(new RoomNodeActor.TakeSnapshot(_room));
    }

    /// <summary>A restart would silently drop the members; stopping tells every node (they watch the owner) to join again.</summary>
    protected override void PostRestart(Exception reason) => Context.Stop(Self);

    private void AwaitingSnapshot()
    {
        Receive<RoomNodeActor.SnapshotTaken>(s =>
        {
            Start(s.Snapshot);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Start(RoomSnapshot? snapshot)
    {
        var history = _settings.History;
        if (snapshot is null)
        {
            _history = new RoomHistory(history.MaxMessages, history.MaxAge);
        }
        else
        {
            _history = new RoomHistory(history.MaxMessages, history.MaxAge, snapshot.Epoch, snapshot.Head);
            _history.Restore(snapshot.History, NowMs);
            foreach (var m in snapshot.Members) AddMember(m);
        }
        Become(Active);
        UpdateIdleTimeout();
        if (_home.MayInheritState)
            Context.GetLogger().Info("room {0}: owner started here, epoch {1} ({2})", _room, _history.Epoch,
                snapshot is null ? "new" : $"handed over at offset {snapshot.Head}, {snapshot.Members.Count} members");
    }

    private void Active()
    {
        Receive<PublishToRoom>(p =>
        {
            var message = _history.Append(_room, p.Frame, p.ExceptMember, NowMs);
            foreach (var node in _nodes.Keys) node.Tell(message, Self);
            if (p.Acknowledge) Sender.Tell(new RoomPublished(_room, message.Epoch, message.Offset), Self);
        });
        Receive<JoinRoom>(OnJoin);
        Receive<LeaveRoom>(l =>
        {
            if (_members.TryGetValue(l.Member, out var entry)) RemoveMember(entry);
            UpdateIdleTimeout();
        });
        Receive<GetPresence>(_ => Sender.Tell(new PresenceList(_room, _members.Values.Select(m => m.Info).ToArray())));
        Receive<Terminated>(t =>
        {
            // A node stopped or was downed: its sockets are gone.
            foreach (var entry in _members.Values.Where(m => m.Node.Equals(t.ActorRef)).ToArray()) RemoveMember(entry);
            UpdateIdleTimeout();
        });
        Receive<ReceiveTimeout>(_ =>
        {
            // No members and nothing retained worth keeping: free the room (a later join starts a new epoch).
            if (_members.Count > 0) return;
            Context.Parent.Tell(_home.Passivation(_room));
        });
        Receive<HandOffRoom>(_ =>
        {
            Context.GetLogger().Info("room {0}: handing off at offset {1} with {2} members", _room, _history.Head, _members.Count);
            _home.HandOver(Context, new RoomSnapshot(_room, _history.Epoch, _history.Head, _history.Retained.ToArray(), _members.Values.ToArray()));
            Context.Stop(Self);
        });
    }

    private void OnJoin(JoinRoom j)
    {
        var plan = _history.Resume(j.Since, NowMs);
        // A member's node is named by its full address even when it is this owner's own node (a local ref's address
        // has no host and port).
        var nodeAddress = j.Node.Path.Address.HasLocalScope
            ? ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString()
            : j.Node.Path.Address.ToString();
        var entry = new RoomMemberEntry(new PresenceMember(j.Member, j.User, nodeAddress), j.Node);
        _members.TryGetValue(j.Member, out var existing);
        var moved = existing is not null && !existing.Node.Equals(j.Node);
        if (moved) RemoveMember(existing!);
        // A retry or rejoin from the same node changes nothing others can see; a new or moved member is announced.
        var announce = existing is null || moved;
        if (announce) AddMember(entry);
        else _members[j.Member] = entry;
        // Before any later message: the node delivers the replay, then live messages.
        j.Node.Tell(new JoinAccepted(_room, j.Member, _history.HeadPosition, plan.Recovered, plan.Reason, plan.Messages), Self);
        if (announce) Announce(new PresenceEvent(_room, Joined: true, entry.Info));
        UpdateIdleTimeout();
    }

    private void AddMember(RoomMemberEntry entry)
    {
        _members[entry.Info.Member] = entry;
        var count = _nodes.GetValueOrDefault(entry.Node);
        if (count == 0) Context.Watch(entry.Node);
        _nodes[entry.Node] = count + 1;
    }

    private void RemoveMember(RoomMemberEntry entry)
    {
        _members.Remove(entry.Info.Member);
        var count = _nodes.GetValueOrDefault(entry.Node) - 1;
        if (count <= 0)
        {
            _nodes.Remove(entry.Node);
            Context.Unwatch(entry.Node);
        }
        else _nodes[entry.Node] = count;
        Announce(new PresenceEvent(_room, Joined: false, entry.Info));
    }

    private void Announce(PresenceEvent e)
    {
        var changed = new PresenceChanged(e);
        foreach (var node in _nodes.Keys) node.Tell(changed, Self);
    }

    /// <summary>Idle rooms passivate once their history has aged out; rooms with members never do.</summary>
    private void UpdateIdleTimeout() =>
        Context.SetReceiveTimeout(_members.Count == 0 ? _settings.History.MaxAge + TimeSpan.FromSeconds(1) : null);
}
