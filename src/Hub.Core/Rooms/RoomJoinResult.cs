namespace Hub;

/// <summary>
/// What joining a room found: the room's head (the last message that exists when the join took effect) and, for a
/// resume, whether every missed message is being delivered.
/// </summary>
/// <param name="Head">Position of the room's newest message at the join (offset 0: none yet in this epoch).</param>
/// <param name="Recovered">True when nothing was asked for or every message after <see cref="RoomJoinOptions.Since"/>
/// is delivered before live ones; false when some may be lost (see <paramref name="Reason"/>).</param>
/// <param name="Missed">How many retained messages are replayed before live ones.</param>
/// <param name="Reason">Why not recovered: <c>epoch-changed</c>, <c>too-old</c> or <c>ahead</c>; null when recovered.</param>
/// <param name="Member">This connection's presence id.</param>
public sealed record RoomJoinResult(RoomPosition Head, bool Recovered, int Missed, string? Reason, string Member);
