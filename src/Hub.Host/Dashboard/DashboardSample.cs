using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Host.Dashboard;

/// <summary>
/// One second of this node as the dashboard shows it: open connections, rates over the last interval, slow-consumer
/// events in it, rooms with local subscribers, and (on a cluster) every member's numbers.
/// </summary>
public sealed record DashboardSample
{
    /// <summary>Increases by one per sample; a gap means the client missed samples.</summary>
    public long Seq { get; init; }

    /// <summary>When the sample was taken, Unix milliseconds.</summary>
    public long Time { get; init; }

    public required NodeNumbers Load { get; init; }

    /// <summary>WebSockets closed with 1008 because their queue overflowed, during this interval.</summary>
    public long SlowConsumerCloses { get; init; }

    /// <summary>Outbound messages dropped from full queues during this interval.</summary>
    public long DroppedMessages { get; init; }

    /// <summary>Connections refused at accept (max-connections, draining) during this interval.</summary>
    public long RejectedConnections { get; init; }

    /// <summary>Totals since the dashboard started.</summary>
    public long TotalRequests { get; init; }

    public long TotalSlowConsumerCloses { get; init; }

    public long TotalDroppedMessages { get; init; }

    /// <summary>Rooms with subscribers on this node, busiest first (at most <see cref="DashboardCollector.MaxRooms"/>).</summary>
    public IReadOnlyList<RoomLoad> Rooms { get; init; } = [];

    /// <summary>Rooms with subscribers on this node, including those beyond <see cref="Rooms"/>.</summary>
    public int RoomCount { get; init; }

    /// <summary>Cluster members and their numbers; empty when the host runs single-node.</summary>
    public IReadOnlyList<NodeLoad> Nodes { get; init; } = [];

    /// <summary>camelCase JSON, the feed's wire format.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>A node's load: open connections and per-second rates over the last interval.</summary>
public sealed record NodeNumbers(
    long HttpConnections,
    long WebSocketConnections,
    double RequestsPerSecond,
    double ServerErrorsPerSecond,
    double MessagesInPerSecond,
    double MessagesOutPerSecond,
    double BytesInPerSecond,
    double BytesOutPerSecond)
{
    public static readonly NodeNumbers Zero = new(0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>A room: subscribers on this node, and the members present cluster-wide (null if the owner did not answer in time).</summary>
public sealed record RoomLoad(string Room, int Subscribers, int? Present);

/// <summary>
/// A cluster member as this node sees it, with the numbers its own dashboard reported (null when it did not answer:
/// unreachable, its dashboard off, or too slow).
/// </summary>
public sealed record NodeLoad(string Address, string Status, bool Self, bool Reachable, NodeNumbers? Load);
