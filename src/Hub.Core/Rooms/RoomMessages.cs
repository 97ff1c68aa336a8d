using Akka.Actor;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>Routed to the room's owner (a <see cref="RoomEntityActor"/>) by <see cref="IRoomCommand.Room"/>: through
/// the local <see cref="LocalRoomShard"/> or, in a cluster, the "hub-room" shard region.</summary>
internal interface IRoomCommand
{
    string Room { get; }
}

/// <summary>Marks every room message that may cross nodes; bound to Hub.Cluster's HubSerializer in
/// hocon/cluster-reference.conf.</summary>
internal interface IRoomWireMessage;

/// <summary>Add <paramref name="Member"/> (held by <paramref name="Node"/>'s <see cref="RoomNodeActor"/>) to the room;
/// the owner answers the node with <see cref="JoinAccepted"/>.</summary>
internal sealed record JoinRoom(string Room, string Member, string? User, IActorRef Node, RoomPosition? Since)
    : IRoomCommand, IRoomWireMessage;

internal sealed record LeaveRoom(string Room, string Member) : IRoomCommand, IRoomWireMessage;

/// <summary>Sequence one message and send it once to every node with members, skipping <paramref name="ExceptMember"/>.
/// With <paramref name="Acknowledge"/> the owner answers the sender with <see cref="RoomPublished"/>.</summary>
internal sealed record PublishToRoom(string Room, PreparedFrame Frame, string? ExceptMember, bool Acknowledge = false)
    : IRoomCommand, IRoomWireMessage;

/// <summary>The owner's answer to an acknowledged <see cref="PublishToRoom"/>: the position it gave the message.</summary>
internal sealed record RoomPublished(string Room, string Epoch, long Offset) : IRoomWireMessage
{
    public RoomPosition Position => new(Epoch, Offset);
}

/// <summary>Answered with <see cref="PresenceList"/>.</summary>
internal sealed record GetPresence(string Room) : IRoomCommand, IRoomWireMessage;

internal sealed record PresenceList(string Room, IReadOnlyList<PresenceMember> Members) : IRoomWireMessage;

/// <summary>The owner's answer to <see cref="JoinRoom"/>, sent before any later message of the room, so the node
/// delivers <paramref name="Replay"/> first and live messages after it.</summary>
internal sealed record JoinAccepted(string Room, string Member, RoomPosition Head, bool Recovered, string? Reason,
    IReadOnlyList<RoomMessage> Replay) : IRoomWireMessage;

/// <summary>One sequenced room message, from the owner to each node with members (and kept in the owner's history).</summary>
/// <remarks>PublishedAt: owner clock, Unix milliseconds — what history's max-age counts.</remarks>
internal sealed record RoomMessage(string Room, string Epoch, long Offset, PreparedFrame Frame, string? ExceptMember, long PublishedAt)
    : IRoomWireMessage
{
    public RoomPosition Position => new(Epoch, Offset);
}

internal sealed record PresenceChanged(PresenceEvent Event) : IRoomWireMessage;

/// <summary>Told by the shard to an entity that must move to another node (cluster sharding's hand-off stop message).</summary>
internal sealed class HandOffRoom : IRoomWireMessage
{
    public static readonly HandOffRoom Instance = new();

    private HandOffRoom() { }
}

/// <summary>A member as the owner keeps it: presence data and the node actor that delivers to it.</summary>
internal sealed record RoomMemberEntry(PresenceMember Info, IActorRef Node);

/// <summary>A room's state handed to the other nodes when its owner leaves gracefully: the next owner (wherever
/// sharding starts it) takes it from its node and continues the same epoch, so resumes keep working. Sent in
/// <paramref name="Parts"/> parts (<see cref="Split"/>) that each stay far below the remote frame size, whatever the
/// room's history and membership.</summary>
internal sealed record RoomSnapshot(string Room, string Epoch, long Head, IReadOnlyList<RoomMessage> History,
    IReadOnlyList<RoomMemberEntry> Members, int Part = 0, int Parts = 1) : IRoomWireMessage
{
    /// <summary>Largest serialized part aimed for: an eighth of Akka.Remote's default 128 000-byte frame budget
    /// leaves room for the envelope; a single history message (at most hub.rooms.max-broadcast-size) may exceed it.</summary>
    public const int PartBudget = 16 * 1024;

    /// <summary>This snapshot cut into parts of about <paramref name="budget"/> bytes each, in order.</summary>
    public IReadOnlyList<RoomSnapshot> Split(int budget = PartBudget)
    {
        var parts = new List<(List<RoomMessage> History, List<RoomMemberEntry> Members)> { ([], []) };
        var size = 0;
        void Add(int bytes)
        {
            if (size > 0 && size + bytes > budget)
            {
                parts.Add(([], []));
                size = 0;
            }
            size += bytes;
        }
        foreach (var m in History)
        {
            Add(m.Frame.PayloadLength + m.Room.Length + m.Epoch.Length + 48);
            parts[^1].History.Add(m);
        }
        foreach (var e in Members)
        {
            Add(e.Info.Member.Length + (e.Info.User?.Length ?? 0) + e.Info.Node.Length + e.Node.Path.ToString().Length + 32);
            parts[^1].Members.Add(e);
        }
        return parts.Select((p, i) => new RoomSnapshot(Room, Epoch, Head, p.History, p.Members, i, parts.Count)).ToArray();
    }

    /// <summary>The parts of one snapshot, put back together (all of them, any order).</summary>
    public static RoomSnapshot Join(IEnumerable<RoomSnapshot> parts)
    {
        var ordered = parts.OrderBy(p => p.Part).ToArray();
        return new RoomSnapshot(ordered[0].Room, ordered[0].Epoch, ordered[0].Head,
            ordered.SelectMany(p => p.History).ToArray(), ordered.SelectMany(p => p.Members).ToArray());
    }
}
