using Hub.Handlers.StaticFiles;

namespace Hub.Core.Tests.Handlers.StaticFiles;

public sealed class HttpDateTests
{
    private static readonly DateTimeOffset Expected = new(1994, 11, 6, 8, 49, 37, TimeSpan.Zero);

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")]
    [InlineData("Sun Nov  6 08:49:37 1994")]
    [InlineData(" Sun, 06 Nov 1994 08:49:37 GMT ")]
    public void Accepts_the_three_formats_of_rfc_9110(string text)
    {
        Assert.True(HttpDate.TryParse(text, out var date));
        Assert.Equal(Expected, date);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("1994-11-06T08:49:37Z")]
    [InlineData("Sun, 06 Nov 1994 08:49:37 PST")]
    public void Rejects_anything_else(string? text)
    {
        Assert.False(HttpDate.TryParse(text, out _));
    }

    [Fact]
    public void Formats_as_imf_fixdate()
    {
        Assert.Equal("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.Format(Expected.AddMilliseconds(250)));
    }

    [Fact]
    public void Truncation_drops_the_fraction_of_a_second()
    {
        Assert.Equal(Expected, HttpDate.TruncateToSeconds(Expected.AddTicks(9_999_999)));
    }
}
