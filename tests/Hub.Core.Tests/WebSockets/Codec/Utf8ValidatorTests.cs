using System.Text;
using CsCheck;
using Hub.WebSockets.Codec;

namespace Hub.Core.Tests.WebSockets.Codec;

public sealed class Utf8ValidatorTests
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    private static bool StrictlyValid(byte[] bytes)
    {
        try { Strict.GetString(bytes); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    private static bool ValidateInSlices(byte[] bytes, int[] cuts)
    {
        var v = new Utf8Validator();
        var start = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order())
        {
            if (!v.Append(bytes.AsSpan(start, cut - start), isFinal: false)) return false;
            start = cut;
        }
        return v.Append(bytes.AsSpan(start), isFinal: true);
    }

    [Theory]
    [InlineData("Hello-µ@ßöäüàá-UTF-8!!")]
    [InlineData("κόσμε")]
    [InlineData("𝄞 music")]
    [InlineData("")]
    public void Accepts_valid_text_split_anywhere(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var cut = 0; cut <= bytes.Length; cut++) Assert.True(ValidateInSlices(bytes, [cut]), $"cut at {cut}");
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0x80 })]                    // overlong NUL
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]              // UTF-16 surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]        // above U+10FFFF
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xCE, 0xBA, 0xE1 })]              // truncated at the end of the message
    public void Rejects_invalid_sequences(byte[] bytes) => Assert.False(ValidateInSlices(bytes, []));

    [Fact]
    public void Fails_in_the_fragment_where_the_bad_byte_arrives()
    {
        var v = new Utf8Validator();
        Assert.True(v.Append("κόσμε"u8, isFinal: false));
        // 0xF4 0x90 can never start a valid code point: refuse now, not at the end of the message.
        Assert.False(v.Append(new byte[] { 0xF4, 0x90 }, isFinal: false));
    }

    [Fact]
    public void Agrees_with_a_strict_decoder_on_random_input_however_it_is_split()
    {
        var bytesGen = Gen.OneOf(
            Gen.Byte.Array[0, 40],
            Gen.String[Gen.Char, 0, 20].Select(s => Encoding.UTF8.GetBytes(s)),
            Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Array[0, 10]
                .Select(cps => Encoding.UTF8.GetBytes(string.Concat(cps.Select(char.ConvertFromUtf32)))));
        Gen.Select(bytesGen, Gen.Int[0, 40].Array[0, 4]).Sample((bytes, cuts) =>
            ValidateInSlices(bytes, cuts) == StrictlyValid(bytes), iter: 20_000);
    }
}
