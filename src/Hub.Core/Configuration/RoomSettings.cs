using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>Which room backend an ActorSystem uses.</summary>
public enum RoomBackendKind
{
    /// <summary>Rooms inside one ActorSystem.</summary>
    Local,

    /// <summary>Rooms across an Akka.Cluster via DistributedPubSub.</summary>
    Distributed,
}

/// <summary>hub.rooms: where rooms live and how large a cross-node broadcast may be.</summary>
public sealed record RoomSettings(RoomBackendKind Backend, int MaxBroadcastSize)
{
    internal static RoomSettings FromConfig(Config c, string path)
    {
        var backend = ConfigReader.String(c, path, "backend").Trim().ToLowerInvariant() switch
        {
            "local" => RoomBackendKind.Local,
            "distributed" => RoomBackendKind.Distributed,
            var other => throw new ConfigurationException($"{path}.backend must be local or distributed, was '{other}'"),
        };
        return new RoomSettings(backend, ConfigReader.Bytes(c, path, "max-broadcast-size", 1));
    }
}
