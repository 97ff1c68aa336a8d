namespace Hub;

/// <summary>
/// One item of <see cref="IRooms.FollowAsync"/>: a room message with its position, or a notice that messages may have
/// been lost (a resume that could not be recovered, or the room's history restarting under a live follower).
/// </summary>
public sealed record RoomEvent(RoomEventKind Kind, RoomPosition Position, WsMessage? Message, string? Reason);

public enum RoomEventKind
{
    /// <summary>A message; <see cref="RoomEvent.Message"/> is set.</summary>
    Message,

    /// <summary>Messages may be missing before the next one; <see cref="RoomEvent.Reason"/> says why.</summary>
    Reset,
}
