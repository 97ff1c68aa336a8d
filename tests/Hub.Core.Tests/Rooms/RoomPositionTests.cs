using CsCheck;

namespace Hub.Core.Tests.Rooms;

/// <summary><c>epoch:offset</c> as docs/rooms-protocol.md writes it: the resume argument clients send back.</summary>
public sealed class RoomPositionTests
{
    [Theory]
    [InlineData("k7f3q2:17", "k7f3q2", 17)]
    [InlineData("a:0", "a", 0)]
    [InlineData("ABC123:9223372036854775807", "ABC123", long.MaxValue)]
    [InlineData("x:007", "x", 7)]
    public void Parses_epoch_and_offset(string text, string epoch, long offset)
    {
        Assert.True(RoomPosition.TryParse(text, out var position));
        Assert.Equal(new RoomPosition(epoch, offset), position);
    }

    [Fact]
    public void Formats_as_epoch_colon_offset()
    {
        Assert.Equal("k7f3q2:17", new RoomPosition("k7f3q2", 17).ToString());
        Assert.Equal("e:0", new RoomPosition("e", 0).ToString());
    }

    [Fact]
    public void Format_then_parse_gives_the_same_position()
    {
        var positions =
            from epoch in Gen.String[Gen.Char["0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"], 1, 64]
            from offset in Gen.Long[0, long.MaxValue]
            select new RoomPosition(epoch, offset);
        positions.Sample(p =>
        {
            Assert.True(RoomPosition.TryParse(p.ToString(), out var parsed));
            Assert.Equal(p, parsed);
        });
    }

    [Fact]
    public void Accepts_an_epoch_of_64_characters()
    {
        var epoch = new string('a', 64);
        Assert.True(RoomPosition.TryParse(epoch + ":1", out var position));
        Assert.Equal(epoch, position.Value.Epoch);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")] // no colon
    [InlineData("17")] // offset only
    [InlineData(":17")] // empty epoch
    [InlineData("abc:")] // empty offset
    [InlineData("ab-c:1")] // epoch is letters and digits only
    [InlineData("ab c:1")]
    [InlineData("ab_c:1")]
    [InlineData("a:b:1")] // a second colon lands in the epoch
    [InlineData("é:1")] // non-ASCII letter
    [InlineData("abc:-1")] // negative offset
    [InlineData("abc:+1")]
    [InlineData("abc: 1")]
    [InlineData("abc:1 ")]
    [InlineData("abc:1.0")]
    [InlineData("abc:0x1")]
    [InlineData("abc:9223372036854775808")] // long.MaxValue + 1
    [InlineData("abc:99999999999999999999999")]
    public void Rejects_malformed_positions(string? text)
    {
        Assert.False(RoomPosition.TryParse(text, out var position));
        Assert.Null(position);
    }

    [Fact]
    public void Rejects_an_epoch_longer_than_64_characters()
    {
        Assert.False(RoomPosition.TryParse(new string('a', 65) + ":1", out _));
        Assert.False(RoomPosition.TryParse(new string('a', 1000) + ":1", out _));
    }
}
