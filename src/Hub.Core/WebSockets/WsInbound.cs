using Hub.Server;

namespace Hub.WebSockets;

/// <summary>What the WebSocket stage hands the connection actor, one element per ack.</summary>
internal abstract class WsInbound : ConnectionInbound
{
    /// <summary>A complete message; the payload array belongs to the receiver.</summary>
    public sealed class Message(bool isText, byte[] payload) : WsInbound
    {
        public bool IsText { get; } = isText;
        public byte[] Payload { get; } = payload;
    }

    public sealed class Pong(byte[] payload) : WsInbound
    {
        public byte[] Payload { get; } = payload;
    }

    /// <summary>The WebSocket is closed (handshake done, failed, or the peer vanished): no more messages.</summary>
    /// <param name="code">The peer's close code, or the one the failure implies (1006 when TCP just ended).</param>
    /// <param name="reason">The peer's close reason, or empty.</param>
    /// <param name="replyPending">
    /// The peer's Close is not answered yet: the stage waits for <see cref="WsOutbound.CloseReply"/>, which the actor
    /// sends behind whatever the handler wrote while handling the messages before the Close.
    /// </param>
    public sealed class Closed(ushort code, string reason, bool replyPending = false) : WsInbound
    {
        public ushort Code { get; } = code;
        public string Reason { get; } = reason;
        public bool ReplyPending { get; } = replyPending;
    }
}
