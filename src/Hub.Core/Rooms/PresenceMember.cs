namespace Hub;

/// <summary>One connection in a room: its member id, the handler-supplied user id (if any) and the node holding it.</summary>
public sealed record PresenceMember(string Member, string? User, string Node);

/// <summary>Somebody joined or left a room.</summary>
public sealed record PresenceEvent(string Room, bool Joined, PresenceMember Member);
