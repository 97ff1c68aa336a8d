using System.Buffers;
using System.Buffers.Binary;

namespace Hub.WebSockets.Codec;

/// <summary>
/// Writes server frames: unmasked (§5.1) with the minimal length encoding (§5.2). A frame rendered once can be sent
/// to any number of connections unchanged.
/// </summary>
internal static class FrameWriter
{
    public const int MaxHeaderLength = 10;

    public static int HeaderLength(long payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;

    public static int WriteHeader(Span<byte> destination, WsOpcode opcode, bool fin, bool rsv1, long payloadLength)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (byte)opcode);
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }
        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    public static void WriteFrame(IBufferWriter<byte> writer, WsOpcode opcode, ReadOnlySpan<byte> payload, bool fin = true, bool rsv1 = false)
    {
        var span = writer.GetSpan(MaxHeaderLength + payload.Length);
        var n = WriteHeader(span, opcode, fin, rsv1, payload.Length);
        payload.CopyTo(span[n..]);
        writer.Advance(n + payload.Length);
    }

    /// <summary>A Close frame: code (big-endian) and a UTF-8 reason, truncated to fit the 125-byte control limit.</summary>
    public static void WriteClose(IBufferWriter<byte> writer, ushort code, string? reason)
    {
        Span<byte> payload = stackalloc byte[125];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        var n = 2;
        if (!string.IsNullOrEmpty(reason))
        {
            var encoder = System.Text.Encoding.UTF8.GetEncoder();
            encoder.Convert(reason.AsSpan(), payload[2..], flush: true, out _, out var bytesUsed, out _);
            n += bytesUsed;
        }
        WriteFrame(writer, WsOpcode.Close, payload[..n]);
    }
}
