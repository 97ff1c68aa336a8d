using CsCheck;
using Hub.WebSockets.Codec;

namespace Hub.Core.Tests.WebSockets.Codec;

public sealed class MaskingTests
{
    private static byte[] Naive(byte[] data, byte[] key, int offset)
    {
        var copy = (byte[])data.Clone();
        for (var i = 0; i < copy.Length; i++) copy[i] ^= key[(offset + i) % 4];
        return copy;
    }

    [Fact]
    public void Masks_like_the_RFC_example()
    {
        // RFC 6455 §5.7: "Hello" masked with 37 fa 21 3d is 7f 9f 4d 51 58.
        var data = "Hello"u8.ToArray();
        Masking.Apply(data, Masking.ReadKey([0x37, 0xfa, 0x21, 0x3d]), 0);
        Assert.Equal(new byte[] { 0x7f, 0x9f, 0x4d, 0x51, 0x58 }, data);
    }

    [Fact]
    public void Agrees_with_a_byte_by_byte_xor_for_any_length_key_and_offset()
    {
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Byte.Array[4], Gen.Int[0, 7]).Sample((data, key, offset) =>
        {
            var expected = Naive(data, key, offset);
            var actual = (byte[])data.Clone();
            Masking.Apply(actual, Masking.ReadKey(key), offset);
            return expected.AsSpan().SequenceEqual(actual);
        });
    }

    [Fact]
    public void Masking_in_slices_equals_masking_in_one_pass()
    {
        Gen.Select(Gen.Byte.Array[1, 200], Gen.Byte.Array[4], Gen.Int[0, 200]).Sample((data, key, cutSeed) =>
        {
            var cut = cutSeed % data.Length;
            var whole = (byte[])data.Clone();
            Masking.Apply(whole, Masking.ReadKey(key), 0);
            var parts = (byte[])data.Clone();
            Masking.Apply(parts.AsSpan(0, cut), Masking.ReadKey(key), 0);
            Masking.Apply(parts.AsSpan(cut), Masking.ReadKey(key), cut);
            return whole.AsSpan().SequenceEqual(parts);
        });
    }
}
