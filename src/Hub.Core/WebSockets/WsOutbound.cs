using Hub.Http;
using Hub.Server;

namespace Hub.WebSockets;

/// <summary>What the actor, rooms and anyone holding the outbox ref send down a WebSocket connection.</summary>
internal abstract class WsOutbound : ConnectionOutbound
{
    /// <summary>The 101 response; the stage switches both directions to WebSocket framing right after it.</summary>
    public sealed class Accept(HttpOutbound.Head response, WebSocketOptions options) : WsOutbound
    {
        public HttpOutbound.Head Response { get; } = response;
        public WebSocketOptions Options { get; } = options;
    }

    /// <summary>A data frame. <see cref="ConflationKey"/> groups frames where only the newest matters.</summary>
    public sealed class Frame(PreparedFrame frame, string? conflationKey = null) : WsOutbound
    {
        public PreparedFrame Prepared { get; } = frame;
        public string? ConflationKey { get; } = conflationKey;
    }

    /// <summary>Start the closing handshake with this code (RFC 6455 §7.1.2).</summary>
    public sealed class Close(ushort code, string? reason) : WsOutbound
    {
        public ushort Code { get; } = code;
        public string? Reason { get; } = reason;
    }

    /// <summary>
    /// Answer the peer's Close now (RFC 6455 §5.5.1): the handler has seen every message before it, and what it
    /// wrote meanwhile is queued ahead of this.
    /// </summary>
    public sealed class CloseReply : WsOutbound
    {
        public static readonly CloseReply Instance = new();

        private CloseReply() { }
    }

    public sealed class Ping(byte[] payload) : WsOutbound
    {
        public byte[] Payload { get; } = payload;
    }
}
