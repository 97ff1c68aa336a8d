using Hub.WebSockets;

namespace Hub;

/// <summary>
/// Broadcast to rooms of WebSocket connections, from handlers (HTTP or WebSocket) or any other code:
/// <c>HubExtension.Get(system).Rooms.Publish("lobby", "hello")</c>. A published message is framed once and the same
/// bytes go to every subscriber; each subscriber sees one publisher's messages in publish order. Every message gets a
/// position (<see cref="RoomPosition"/>) from the room's owner, which keeps a bounded history for resumes
/// (docs/rooms-protocol.md). On a cluster the same calls span every node.
/// </summary>
public interface IRooms
{
    /// <summary>Sends a text message to every connection in <paramref name="room"/>.</summary>
    void Publish(string room, string text);

    /// <summary>Sends a binary message to every connection in <paramref name="room"/>.</summary>
    void Publish(string room, ReadOnlySpan<byte> binary);

    /// <summary>Sends an already prepared frame (build it once with <see cref="PreparedFrame"/>, publish it many times).</summary>
    void Publish(string room, PreparedFrame frame);

    /// <summary>
    /// Acknowledged publishing: sends a text message and completes with the position the room's owner gave it — or
    /// fails with <see cref="RoomPublishTimeoutException"/> when no position came within
    /// <c>hub.rooms.publish-timeout</c> (owner unreachable or moving), so the caller can retry. <see cref="Publish(string, string)"/>
    /// is at most once and tells nothing; this costs a reply per message. Ordered with the caller's other publishes.
    /// </summary>
    Task<RoomPosition> PublishAsync(string room, string text, CancellationToken cancellationToken = default);

    /// <summary>Acknowledged publishing of a prepared frame, as <see cref="PublishAsync(string, string, CancellationToken)"/>.</summary>
    Task<RoomPosition> PublishAsync(string room, PreparedFrame frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// The room's messages as they are published, for server-side consumers such as an SSE handler. Holds at most
    /// <paramref name="capacity"/> unread messages; a consumer that falls further behind loses messages.
    /// </summary>
    IAsyncEnumerable<WsMessage> ListenAsync(string room, CancellationToken cancellationToken, int capacity = 1024);

    /// <summary>
    /// The room's messages with their positions, optionally resuming after <paramref name="since"/> (the missed
    /// messages first, or a <see cref="RoomEventKind.Reset"/> saying they are not all recoverable). Any later gap
    /// (owner lost, consumer more than <paramref name="capacity"/> behind) is announced by a reset, never silent.
    /// </summary>
    IAsyncEnumerable<RoomEvent> FollowAsync(string room, RoomPosition? since, CancellationToken cancellationToken, int capacity = 1024);

    /// <summary>Who is in the room, cluster-wide, as its owner knows it.</summary>
    Task<IReadOnlyList<PresenceMember>> GetPresenceAsync(string room);

    /// <summary>Rooms with at least one subscriber on this node, and how many.</summary>
    Task<IReadOnlyDictionary<string, int>> GetSubscriberCountsAsync();
}
