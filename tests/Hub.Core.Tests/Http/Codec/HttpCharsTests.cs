using System.Text;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>Character classes of RFC 9110 §5.6.2 (token), §5.5 (field-value) and RFC 3986 (host), byte by byte.</summary>
public sealed class HttpCharsTests
{
    private const string TokenSpecials = "!#$%&'*+-.^_`|~";

    [Fact]
    public void Classifies_every_byte_as_token_or_not_exactly_as_RFC_9110()
    {
        for (var i = 0; i < 256; i++)
        {
            var c = (char)i;
            var expected = char.IsAsciiLetterOrDigit(c) || TokenSpecials.Contains(c);
            Assert.True(expected == HttpChars.IsToken((byte)i), $"0x{i:X2}");
        }
    }

    [Fact]
    public void Classifies_every_byte_as_field_value_or_not()
    {
        for (var i = 0; i < 256; i++)
        {
            // field-vchar = VCHAR / obs-text, plus SP and HTAB between them; CTLs and DEL are out.
            var expected = i == '\t' || (i >= 0x20 && i != 0x7F);
            Assert.True(expected == HttpChars.IsFieldValue((byte)i), $"0x{i:X2}");
        }
    }

    [Fact]
    public void Allows_only_visible_ASCII_without_a_fragment_in_targets()
    {
        for (var i = 0; i < 256; i++)
            Assert.True((i > 0x20 && i < 0x7F && i != '#') == HttpChars.IsTargetChar((byte)i), $"0x{i:X2}");
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("X-Custom_Header.1~", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a:b", false)]
    [InlineData("a\u00e9", false)]
    [InlineData("a\u0100", false)]
    [InlineData("(x)", false)]
    public void Checks_tokens_in_strings_and_spans(string s, bool expected)
    {
        Assert.Equal(expected, HttpChars.IsToken(s));
        Assert.Equal(expected, HttpChars.IsToken(s.AsSpan()));
        if (s.All(c => c < 0x100)) Assert.Equal(expected, HttpChars.IsToken(Encoding.Latin1.GetBytes(s)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("example.com")]
    [InlineData("example.com:8080")]
    [InlineData("example.com:")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("[::1]:80")]
    [InlineData("[2001:db8::ff00:42:8329]")]
    [InlineData("[::ffff:192.0.2.1]:443")]
    [InlineData("a-b_c~d")]
    [InlineData("%41bc")]
    [InlineData("a!$&'()*+,;=")]
    public void Accepts_valid_hosts(string host) => Assert.True(HttpChars.IsValidHost(Encoding.ASCII.GetBytes(host)), host);

    [Theory]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("user@a")]
    [InlineData("a:b:c")]
    [InlineData("a:8o")]
    [InlineData("a:123456")]
    [InlineData("[::1")]
    [InlineData("[]")]
    [InlineData("[::1]x")]
    [InlineData("[::1]:x")]
    [InlineData("[g::1]")]
    [InlineData("a]")]
    [InlineData("a\"b")]
    [InlineData("a\tb")]
    public void Refuses_invalid_hosts(string host) => Assert.False(HttpChars.IsValidHost(Encoding.ASCII.GetBytes(host)), host);

    [Fact]
    public void Reads_hex_digits_in_either_case()
    {
        const string hex = "0123456789abcdefABCDEF";
        for (var i = 0; i < 256; i++)
        {
            var isHex = hex.Contains((char)i);
            Assert.Equal(isHex, HttpChars.IsHexDigit((byte)i));
            Assert.Equal(isHex ? Convert.ToInt32(((char)i).ToString(), 16) : -1, HttpChars.HexValue((byte)i));
        }
    }
}
