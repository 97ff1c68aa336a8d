namespace Hub.Core.Tests.Handlers;

public sealed class XsrfTokensTests
{
    [Fact]
    public void Encoding_masks_the_token_differently_each_time_and_decodes_to_it()
    {
        byte[] token = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        var a = XsrfTokens.Encode(token);
        var b = XsrfTokens.Encode(token);
        Assert.NotEqual(a, b);
        Assert.Equal(token, XsrfTokens.TryDecode(a));
        Assert.Equal(token, XsrfTokens.TryDecode(b));
        Assert.Matches("^2\\|[0-9a-f]{8}\\|[0-9a-f]{32}\\|[0-9]+$", a);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1|00000000|00|0")]
    [InlineData("2|zz000000|0011|0")]
    [InlineData("2|000000|0011|0")]
    [InlineData("2|00000000||0")]
    [InlineData("2|00000000|0011")]
    public void Malformed_tokens_decode_to_null(string? value) => Assert.Null(XsrfTokens.TryDecode(value));
}
