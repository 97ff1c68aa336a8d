using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>What to do when a connection's outbound queue is full (a slow consumer).</summary>
public enum OverflowPolicy
{
    /// <summary>Close the connection with 1008 "slow consumer" (default: nobody silently misses messages).</summary>
    Close,
    /// <summary>Drop the oldest queued messages to make room (lossy feeds).</summary>
    DropOldest,
    /// <summary>Keep only the newest message per room (dashboards: latest value wins), then drop oldest.</summary>
    Conflate,
}

/// <summary>Which Origin headers a WebSocket upgrade accepts by default (a handler's CheckOrigin can override).</summary>
public enum OriginPolicy
{
    /// <summary>The Origin's host must equal the request's Host (Tornado's default).</summary>
    SameHost,
    /// <summary>Any origin.</summary>
    Any,
    /// <summary>Only origins listed in hub.websocket.allowed-origins.</summary>
    List,
}

/// <summary>hub.websocket: limits, keep-alive and back-pressure of WebSocket connections.</summary>
public sealed record WebSocketSettings(
    long MaxMessageSize,
    int MaxEmptyFragments,
    TimeSpan PingInterval,
    TimeSpan PingTimeout,
    TimeSpan CloseTimeout,
    OriginPolicy CheckOrigin,
    IReadOnlyList<string> AllowedOrigins,
    int OutboundQueueMaxBytes,
    int OutboundQueueMaxMessages,
    OverflowPolicy OutboundOverflow,
    bool PerMessageDeflate)
{
    internal static WebSocketSettings FromConfig(Config c, string path) => new(
        MaxMessageSize: ConfigReader.LongBytes(c, path, "max-message-size", 1),
        MaxEmptyFragments: ConfigReader.Int(c, path, "max-empty-fragments", 0, int.MaxValue),
        PingInterval: ConfigReader.Duration(c, path, "ping-interval"),
        PingTimeout: ConfigReader.Duration(c, path, "ping-timeout"),
        CloseTimeout: ConfigReader.Duration(c, path, "close-timeout"),
        CheckOrigin: ConfigReader.String(c, path, "check-origin") switch
        {
            "same-host" => OriginPolicy.SameHost,
            "any" => OriginPolicy.Any,
            "list" => OriginPolicy.List,
            var v => throw new ConfigurationException($"{path}.check-origin must be same-host, any or list, was '{v}'"),
        },
        AllowedOrigins: ConfigReader.Strings(c, path, "allowed-origins"),
        OutboundQueueMaxBytes: ConfigReader.Bytes(c, path, "outbound-queue-max-bytes", 1),
        OutboundQueueMaxMessages: ConfigReader.Int(c, path, "outbound-queue-max-messages", 1, int.MaxValue),
        OutboundOverflow: ConfigReader.String(c, path, "outbound-overflow") switch
        {
            "close" => OverflowPolicy.Close,
            "drop-oldest" => OverflowPolicy.DropOldest,
            "conflate" => OverflowPolicy.Conflate,
            var v => throw new ConfigurationException($"{path}.outbound-overflow must be close, drop-oldest or conflate, was '{v}'"),
        },
        PerMessageDeflate: ConfigReader.Bool(c, path, "per-message-deflate"));
}
