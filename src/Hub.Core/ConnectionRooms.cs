using Akka.Actor;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub;

/// <summary>
/// One WebSocket's view of the rooms: join, leave and publish, optionally skipping itself. Rooms are left
/// automatically when the socket closes.
/// <code>
/// public override Task OpenAsync() => Rooms.JoinAsync(RouteValues["room"]);
/// public override Task OnMessageAsync(WsMessage m) { Rooms.Publish(RouteValues["room"], m.Text, exceptSelf: true); return Task.CompletedTask; }
/// </code>
/// </summary>
public sealed class ConnectionRooms
{
    private readonly IRooms _rooms;
    private readonly IActorRef _outbox;
    private readonly IActorRef _owner;
    private readonly HashSet<string> _joined = new(StringComparer.Ordinal);

    internal ConnectionRooms(IRooms rooms, IActorRef outbox, IActorRef owner)
    {
        _rooms = rooms;
        _outbox = outbox;
        _owner = owner;
    }

    private IRoomBackend Backend => ((Rooms)_rooms).Backend;

    /// <summary>The rooms this socket is in.</summary>
    public IReadOnlyCollection<string> Joined => _joined;

    /// <summary>Joins <paramref name="room"/>; completes once messages published afterwards will arrive.</summary>
    public async Task JoinAsync(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        if (!_joined.Add(room)) return;
        await Backend.SubscribeAsync(room, _outbox, _owner).ConfigureAwait(true);
    }

    public async Task LeaveAsync(string room)
    {
        if (!_joined.Remove(room)) return;
        await Backend.UnsubscribeAsync(room, _outbox).ConfigureAwait(true);
    }

    /// <summary>
    /// Leaves every room once the socket is closed: the connection actor may outlive the WebSocket while its TCP
    /// close lingers, and nothing more can be delivered anyway.
    /// </summary>
    internal void LeaveAllAfterClose()
    {
        foreach (var room in _joined)
            _ = Backend.UnsubscribeAsync(room, _outbox).ContinueWith(static t => _ = t.Exception,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        _joined.Clear();
    }

    /// <summary>Sends text to everyone in <paramref name="room"/> (framed once), except this socket if asked.</summary>
    public void Publish(string room, string text, bool exceptSelf = false) =>
        Backend.Publish(room, PreparedFrame.Text(text), exceptSelf ? _outbox : null);

    public void Publish(string room, ReadOnlySpan<byte> binary, bool exceptSelf = false) =>
        Backend.Publish(room, PreparedFrame.Binary(binary), exceptSelf ? _outbox : null);

    public void Publish(string room, PreparedFrame frame, bool exceptSelf = false) =>
        Backend.Publish(room, frame, exceptSelf ? _outbox : null);
}
