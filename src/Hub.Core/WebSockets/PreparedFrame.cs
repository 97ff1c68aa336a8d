using Akka.IO;
using Hub.WebSockets.Codec;

namespace Hub.WebSockets;

/// <summary>
/// One complete, unmasked server frame rendered once and shared by reference: a room broadcast to N sockets
/// writes the same immutable bytes N times and encodes nothing per recipient.
/// </summary>
public sealed class PreparedFrame
{
    private PreparedFrame(ByteString bytes, bool isText, int payloadLength)
    {
        Bytes = bytes;
        IsText = isText;
        PayloadLength = payloadLength;
    }

    internal ByteString Bytes { get; }

    public bool IsText { get; }

    public int PayloadLength { get; }

    /// <summary>Frame size on the wire; what outbound queue limits count.</summary>
    public int Size => Bytes.Count;

    /// <summary>A copy of the payload (for server-side listeners; sockets get <see cref="Bytes"/> as is).</summary>
    public byte[] PayloadToArray()
    {
        var payload = new byte[PayloadLength];
        Bytes.Slice(Size - PayloadLength, PayloadLength).CopyTo(payload, 0, PayloadLength);
        return payload;
    }

    public static PreparedFrame Text(string text)
    {
        // Encoded straight into the exact-size frame: one array, no intermediate buffer or copy.
        var payloadLength = System.Text.Encoding.UTF8.GetByteCount(text);
        var bytes = new byte[FrameWriter.HeaderLength(payloadLength) + payloadLength];
        var n = FrameWriter.WriteHeader(bytes, WsOpcode.Text, fin: true, rsv1: false, payloadLength);
        System.Text.Encoding.UTF8.GetBytes(text, bytes.AsSpan(n));
        return new PreparedFrame(ByteString.FromBytes(bytes), isText: true, payloadLength);
    }

    /// <summary>A text frame from bytes the caller guarantees are UTF-8.</summary>
    public static PreparedFrame Text(ReadOnlySpan<byte> utf8) => Build(WsOpcode.Text, utf8);

    public static PreparedFrame Binary(ReadOnlySpan<byte> data) => Build(WsOpcode.Binary, data);

    private static PreparedFrame Build(WsOpcode opcode, ReadOnlySpan<byte> payload)
    {
        // One exact-size array, wrapped without a copy and never touched again.
        var bytes = new byte[FrameWriter.HeaderLength(payload.Length) + payload.Length];
        var n = FrameWriter.WriteHeader(bytes, opcode, fin: true, rsv1: false, payload.Length);
        payload.CopyTo(bytes.AsSpan(n));
        return new PreparedFrame(ByteString.FromBytes(bytes), opcode == WsOpcode.Text, payload.Length);
    }
}
