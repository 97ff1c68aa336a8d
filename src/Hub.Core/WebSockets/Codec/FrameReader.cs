using System.Buffers.Binary;

namespace Hub.WebSockets.Codec;

/// <summary>Outcome of reading a frame header.</summary>
internal enum FrameReadStatus : byte
{
    NeedMoreData,
    Done,
    /// <summary>The header breaks the protocol; fail the connection with the given close code.</summary>
    Invalid,
}

/// <summary>
/// Reads frame headers from a span and checks everything decidable from the header alone, before any payload is
/// buffered: masking, reserved bits and opcodes, control-frame rules, and the 64-bit length's top bit (→ 1002);
/// payload size against the message limit (→ 1009). Knows nothing of Akka.
/// </summary>
internal static class FrameReader
{
    /// <param name="input">Bytes starting at a frame boundary.</param>
    /// <param name="requireMask">Client frames must be masked (§5.1); server-side this is always true.</param>
    /// <param name="allowRsv1">permessage-deflate was negotiated: RSV1 marks a compressed message (RFC 7692 §6).</param>
    /// <param name="header">The header, when Done.</param>
    /// <param name="closeCode">The close code to fail with, when Invalid.</param>
    public static FrameReadStatus TryRead(ReadOnlySpan<byte> input, bool requireMask, bool allowRsv1,
        out FrameHeader header, out ushort closeCode)
    {
        header = default;
        closeCode = 0;
        if (input.Length < 2) return FrameReadStatus.NeedMoreData;
        var b0 = input[0];
        var b1 = input[1];
        var fin = (b0 & 0x80) != 0;
        var rsv1 = (b0 & 0x40) != 0;
        var opcode = (WsOpcode)(b0 & 0x0F);
        var masked = (b1 & 0x80) != 0;
        var len7 = b1 & 0x7F;

        // §5.2: RSV bits must be 0 unless an extension defines them.
        if ((b0 & 0x30) != 0 || (rsv1 && !allowRsv1)) return Fail(CloseCodes.ProtocolError, out closeCode);
        if (!IsKnown(opcode)) return Fail(CloseCodes.ProtocolError, out closeCode);
        var isControl = ((byte)opcode & 0x8) != 0;
        // §5.5: control frames are not fragmented and carry at most 125 bytes; RFC 7692 §6.1: never compressed.
        if (isControl && (!fin || len7 > 125 || rsv1)) return Fail(CloseCodes.ProtocolError, out closeCode);
        if (requireMask && !masked) return Fail(CloseCodes.ProtocolError, out closeCode);

        var headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (input.Length < headerLength) return FrameReadStatus.NeedMoreData;

        long length = len7;
        var pos = 2;
        if (len7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(input[2..]);
            pos = 4;
        }
        else if (len7 == 127)
        {
            var raw = BinaryPrimitives.ReadUInt64BigEndian(input[2..]);
            // §5.2: "the most significant bit MUST be 0".
            if ((raw & 0x8000_0000_0000_0000UL) != 0) return Fail(CloseCodes.ProtocolError, out closeCode);
            length = (long)raw;
            pos = 10;
        }
        var key = masked ? Masking.ReadKey(input.Slice(pos, 4)) : 0u;
        header = new FrameHeader(fin, rsv1, opcode, masked, key, length, headerLength);
        return FrameReadStatus.Done;
    }

    private static bool IsKnown(WsOpcode op) => op is WsOpcode.Continuation or WsOpcode.Text or WsOpcode.Binary
        or WsOpcode.Close or WsOpcode.Ping or WsOpcode.Pong;

    private static FrameReadStatus Fail(ushort code, out ushort closeCode)
    {
        closeCode = code;
        return FrameReadStatus.Invalid;
    }
}
