using Akka.Actor;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub;

/// <summary>
/// One WebSocket's view of the rooms: join (optionally resuming from a position), leave and publish, optionally
/// skipping itself. Rooms are left automatically when the socket closes.
/// <code>
/// public override Task OpenAsync() => Rooms.JoinAsync(RouteValues["room"]);
/// public override Task OnMessageAsync(WsMessage m) { Rooms.Publish(RouteValues["room"], m.Text, exceptSelf: true); return Task.CompletedTask; }
/// </code>
/// </summary>
public sealed class ConnectionRooms
{
    private readonly IActorRef _outbox;
    private readonly Server.OutboxQueue _queue;
    private readonly IActorRef _owner;
    private readonly RoomBackend _backend;
    private readonly HashSet<string> _joined = new(StringComparer.Ordinal);

    internal ConnectionRooms(IRooms rooms, IActorRef outbox, IActorRef owner)
    {
        _backend = ((PubSub.Rooms)rooms).Backend;
        _outbox = outbox;
        _queue = new Server.OutboxQueue(outbox);
        _owner = owner;
    }

    /// <summary>This connection's id in every room's presence.</summary>
    public string MemberId { get; } = MemberIds.Next();

    /// <summary>The rooms this socket is in.</summary>
    public IReadOnlyCollection<string> Joined => _joined;

    /// <summary>Joins <paramref name="room"/>; completes once messages published afterwards will arrive (as published,
    /// without positions).</summary>
    public Task JoinAsync(string room) => JoinAsync(room, new RoomJoinOptions());

    /// <summary>
    /// Joins <paramref name="room"/> as <paramref name="options"/> say — resuming after a position, with a user id for
    /// presence, with JSON envelopes carrying positions. Completes once the missed messages (if any) and everything
    /// published afterwards will arrive in order; the result tells whether the resume recovered everything.
    /// </summary>
    public async Task<RoomJoinResult> JoinAsync(string room, RoomJoinOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentNullException.ThrowIfNull(options);
        _joined.Add(room);
        var mode = options.Envelopes ? RoomNodeActor.DeliveryMode.Envelopes : RoomNodeActor.DeliveryMode.Raw;
        return await _backend.JoinAsync(room, MemberId, _outbox, _owner, mode, options, _queue).ConfigureAwait(true);
    }

    public async Task LeaveAsync(string room)
    {
        if (!_joined.Remove(room)) return;
        await _backend.LeaveAsync(room, MemberId).ConfigureAwait(true);
    }

    /// <summary>
    /// Leaves every room once the socket is closed: the connection actor may outlive the WebSocket while its TCP
    /// close lingers, and nothing more can be delivered anyway.
    /// </summary>
    internal void LeaveAllAfterClose()
    {
        _queue.Close();
        foreach (var room in _joined)
            _ = _backend.LeaveAsync(room, MemberId).ContinueWith(static t => _ = t.Exception,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        _joined.Clear();
    }

    /// <summary>Sends text to everyone in <paramref name="room"/> (framed once), except this socket if asked.</summary>
    public void Publish(string room, string text, bool exceptSelf = false) =>
        _backend.Publish(room, PreparedFrame.Text(text), exceptSelf ? MemberId : null);

    public void Publish(string room, ReadOnlySpan<byte> binary, bool exceptSelf = false) =>
        _backend.Publish(room, PreparedFrame.Binary(binary), exceptSelf ? MemberId : null);

    public void Publish(string room, PreparedFrame frame, bool exceptSelf = false) =>
        _backend.Publish(room, frame, exceptSelf ? MemberId : null);

    /// <summary>Acknowledged publishing (see <see cref="IRooms.PublishAsync(string, string, CancellationToken)"/>):
    /// completes with the message's position, or fails with <see cref="RoomPublishTimeoutException"/>.</summary>
    public Task<RoomPosition> PublishAsync(string room, string text, bool exceptSelf = false, CancellationToken cancellationToken = default) =>
        _backend.PublishAsync(room, PreparedFrame.Text(text), exceptSelf ? MemberId : null, cancellationToken);
}
