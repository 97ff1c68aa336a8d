namespace Hub;

/// <summary>How a socket joins a room (<see cref="ConnectionRooms.JoinAsync(string, RoomJoinOptions)"/>).</summary>
public sealed record RoomJoinOptions
{
    /// <summary>Resume after this position: the missed messages are delivered first, or the join result says they
    /// could not be recovered. Null: only messages published after the join.</summary>
    public RoomPosition? Since { get; init; }

    /// <summary>Optional user id shown in the room's presence next to the connection's member id.</summary>
    public string? User { get; init; }

    /// <summary>Deliver messages as JSON envelopes carrying their position (and a first <c>joined</c> frame), per
    /// docs/rooms-protocol.md, instead of the bare published payload.</summary>
    public bool Envelopes { get; init; }

    /// <summary>With <see cref="Envelopes"/>: send the client a first <c>joined</c> frame (the room's head and whether
    /// the resume recovered everything). Default: true.</summary>
    public bool SendJoined { get; init; } = true;

    /// <summary>Where this socket gets the room's join/leave events: not at all, as envelope frames to the client,
    /// or as <see cref="PresenceEvent"/> to <see cref="WebSocketHandler.OnPresenceAsync"/>.</summary>
    public PresenceDelivery Presence { get; init; } = PresenceDelivery.None;
}

/// <summary>Where a socket's presence events go.</summary>
public enum PresenceDelivery
{
    None,

    /// <summary><c>{"type":"presence",…}</c> frames to the client (needs <see cref="RoomJoinOptions.Envelopes"/>).</summary>
    Client,

    /// <summary><see cref="WebSocketHandler.OnPresenceAsync"/> on the server.</summary>
    Handler,
}
