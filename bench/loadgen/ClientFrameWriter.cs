using System.Buffers.Binary;

namespace LoadGen;

/// <summary>
/// Writes client frames: FIN set, no extensions, minimal length encoding, payload masked with a fresh key (a client
/// must mask every frame, RFC 6455 §5.3).
/// </summary>
internal static class ClientFrameWriter
{
    /// <summary>Largest header: 2 bytes + 8-byte extended length + 4-byte masking key.</summary>
    public const int MaxHeaderSize = 14;

    /// <summary>Writes the frame into <paramref name="destination"/> (at least MaxHeaderSize + payload long);
    /// returns its length.</summary>
    public static int Write(Span<byte> destination, WsOpcode opcode, ReadOnlySpan<byte> payload, uint maskKey)
    {
        destination[0] = (byte)(0x80 | (byte)opcode);
        int offset;
        if (payload.Length <= 125)
        {
            destination[1] = (byte)(0x80 | payload.Length);
            offset = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            offset = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            offset = 10;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], maskKey);
        var key = destination.Slice(offset, 4);
        offset += 4;
        Mask(payload, destination.Slice(offset, payload.Length), key);
        return offset + payload.Length;
    }

    /// <summary>destination[i] = source[i] XOR key[i mod 4] (§5.3), eight bytes at a time.</summary>
    public static void Mask(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<byte> key)
    {
        Span<byte> key8 = stackalloc byte[8];
        key.CopyTo(key8);
        key.CopyTo(key8[4..]);
        var wide = BinaryPrimitives.ReadUInt64LittleEndian(key8);
        var i = 0;
        for (; i + 8 <= source.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(destination[i..],
                BinaryPrimitives.ReadUInt64LittleEndian(source[i..]) ^ wide);
        for (; i < source.Length; i++)
            destination[i] = (byte)(source[i] ^ key[i & 3]);
    }
}
