using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Hub.WebSockets.Codec;

/// <summary>
/// The client-to-server XOR mask (RFC 6455 §5.3), applied in place, a vector at a time where the hardware allows.
/// The offset argument is the position of data[0] within the frame's payload, so a payload unmasked in several
/// slices gives the same bytes as one pass.
/// </summary>
internal static class Masking
{
    /// <param name="data">Payload bytes to (un)mask in place.</param>
    /// <param name="maskKey">The four masking-key bytes in wire order, read as a little-endian uint (<see cref="ReadKey"/>).</param>
    /// <param name="offset">Position of data[0] within the payload.</param>
    public static void Apply(Span<byte> data, uint maskKey, long offset)
    {
        if (data.IsEmpty) return;
        // Rotate the key so that data[0] lines up with key byte (offset % 4).
        var shift = (int)(offset & 3);
        var rotated = shift == 0 ? maskKey : BitOperations.RotateRight(maskKey, shift * 8);
        var key = BitConverter.IsLittleEndian ? rotated : BinaryPrimitives.ReverseEndianness(rotated);

        var i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            Span<uint> block = stackalloc uint[Vector<byte>.Count / 4];
            block.Fill(key);
            var keyVector = new Vector<byte>(MemoryMarshal.AsBytes(block));
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (var v = 0; v < vectors.Length; v++) vectors[v] ^= keyVector;
            i = vectors.Length * Vector<byte>.Count;
        }
        var words = MemoryMarshal.Cast<byte, uint>(data[i..]);
        for (var w = 0; w < words.Length; w++) words[w] ^= key;
        i += words.Length * 4;
        for (var k = 0; i < data.Length; i++, k++) data[i] ^= (byte)(rotated >> (8 * (k & 3)));
    }

    /// <summary>The masking key as <see cref="Apply"/> wants it.</summary>
    public static uint ReadKey(ReadOnlySpan<byte> fourBytes) => BinaryPrimitives.ReadUInt32LittleEndian(fourBytes);
}
