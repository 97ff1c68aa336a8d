using Hub.Handlers.StaticFiles;

namespace Hub.Core.Tests.Handlers.StaticFiles;

public sealed class ByteRangeTests
{
    [Theory]
    [InlineData("bytes=0-99", 1000, 0, 100)]
    [InlineData("bytes=100-", 1000, 100, 900)]
    [InlineData("bytes=-50", 1000, 950, 50)]
    [InlineData("bytes=990-2000", 1000, 990, 10)]
    [InlineData("bytes=-5000", 1000, 0, 1000)]
    [InlineData("bytes=999-999", 1000, 999, 1)]
    [InlineData("Bytes=0-0", 1000, 0, 1)]
    [InlineData("bytes=0-99999999999999999999999", 1000, 0, 1000)]
    public void Parses_the_three_forms_of_a_single_range(string header, long length, long start, long count)
    {
        Assert.Equal(RangeKind.Partial, ByteRange.Parse(header, length, out var range));
        Assert.Equal(new ByteRange(start, count), range);
    }

    [Theory]
    [InlineData("bytes=1000-", 1000)]
    [InlineData("bytes=5000-6000", 1000)]
    [InlineData("bytes=-0", 1000)]
    [InlineData("bytes=0-", 0)]
    [InlineData("bytes=99999999999999999999999-", 1000)]
    public void Ranges_that_miss_the_file_are_unsatisfiable(string header, long length)
    {
        Assert.Equal(RangeKind.Unsatisfiable, ByteRange.Parse(header, length, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("items=0-5")]
    [InlineData("bytes")]
    [InlineData("bytes=")]
    [InlineData("bytes=5")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=10-5")]
    [InlineData("bytes=--5")]
    [InlineData("bytes=+1-5")]
    [InlineData("bytes=0-1,5-9")]
    [InlineData("bytes=0-1, 2000-3000")]
    public void Absent_foreign_malformed_or_multiple_ranges_mean_the_whole_file(string? header)
    {
        Assert.Equal(RangeKind.Whole, ByteRange.Parse(header, 1000, out _));
    }

    [Fact]
    public void A_suffix_of_an_empty_file_is_the_whole_empty_file()
    {
        Assert.Equal(RangeKind.Whole, ByteRange.Parse("bytes=-10", 0, out _));
    }

    [Fact]
    public void Content_range_values_follow_rfc_9110()
    {
        Assert.Equal("bytes 950-999/1000", new ByteRange(950, 50).ContentRange(1000));
        Assert.Equal("bytes */1000", ByteRange.Unsatisfied(1000));
    }
}
