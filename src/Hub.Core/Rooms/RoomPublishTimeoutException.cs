namespace Hub;

/// <summary>
/// An acknowledged publish (<see cref="IRooms.PublishAsync(string, string, CancellationToken)"/>) got no position from
/// the room's owner within <c>hub.rooms.publish-timeout</c> — typically while the owner's node is unreachable or the
/// room is moving. The message may still have been sequenced late and delivered: a retry can duplicate it, so give
/// messages an id of your own if duplicates matter.
/// </summary>
public sealed class RoomPublishTimeoutException(string room, TimeSpan timeout)
    : TimeoutException($"room '{room}': the message got no position from the room's owner within {timeout.TotalSeconds:0.###} s " +
                       "(hub.rooms.publish-timeout); it may still be delivered late, so a retry may duplicate it")
{
    /// <summary>The room published to.</summary>
    public string Room { get; } = room;
}
