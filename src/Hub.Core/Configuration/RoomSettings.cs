using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>Which room backend an ActorSystem uses.</summary>
public enum RoomBackendKind
{
    /// <summary>Rooms inside one ActorSystem: owners are children of one local shard actor.</summary>
    Local,

    /// <summary>Rooms across an Akka.Cluster: owners are cluster-sharded entities (needs the Hub.Cluster package).</summary>
    Distributed,
}

/// <summary>hub.rooms: where rooms live, how much history each keeps, how large a cross-node broadcast may be.</summary>
public sealed record RoomSettings(RoomBackendKind Backend, int MaxBroadcastSize, RoomHistorySettings History, int Shards,
    TimeSpan AskTimeout, string DistributedProvider, TimeSpan PublishTimeout)
{
    /// <summary>hub.rooms.join-retry: a join its owner has not answered within this is sent again.</summary>
    public TimeSpan JoinRetry { get; init; }

    /// <summary>hub.rooms.hand-off-snapshot-ttl: how long a room's hand-off snapshot waits for the next owner.</summary>
    public TimeSpan HandOffSnapshotTtl { get; init; }

    internal static RoomSettings FromConfig(Config c, string path)
    {
        var backend = ConfigReader.String(c, path, "backend").Trim().ToLowerInvariant() switch
        {
            "local" => RoomBackendKind.Local,
            "distributed" => RoomBackendKind.Distributed,
            var other => throw new ConfigurationException($"{path}.backend must be local or distributed, was '{other}'"),
        };
        return new RoomSettings(backend,
            ConfigReader.Bytes(c, path, "max-broadcast-size", 1),
            RoomHistorySettings.FromConfig(c.GetConfig("history"), path + ".history"),
            ConfigReader.Int(c, path, "shards", 1, 100_000),
            ConfigReader.Duration(c, path, "ask-timeout", allowInfinite: false),
            ConfigReader.String(c, path, "distributed-provider"),
            ConfigReader.Duration(c, path, "publish-timeout", allowInfinite: false))
        {
            JoinRetry = ConfigReader.Duration(c, path, "join-retry", allowInfinite: false),
            HandOffSnapshotTtl = ConfigReader.Duration(c, path, "hand-off-snapshot-ttl", allowInfinite: false),
        };
    }
}

/// <summary>hub.rooms.history: the bounded history each room's owner keeps for resumes.</summary>
public sealed record RoomHistorySettings(int MaxMessages, TimeSpan MaxAge)
{
    internal static RoomHistorySettings FromConfig(Config c, string path) => new(
        ConfigReader.Int(c, path, "max-messages", 0, 1_000_000),
        ConfigReader.Duration(c, path, "max-age", allowInfinite: false));
}
