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
    public sealed class Closed(ushort code, string reason) : WsInbound
    {
        public ushort Code { get; } = code;
        public string Reason { get; } = reason;
    }
}
