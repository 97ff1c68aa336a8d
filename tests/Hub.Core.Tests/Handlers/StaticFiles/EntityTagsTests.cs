using Hub.Handlers.StaticFiles;

namespace Hub.Core.Tests.Handlers.StaticFiles;

public sealed class EntityTagsTests
{
    private const string Tag = "\"1f-8dc\"";

    [Theory]
    [InlineData("\"1f-8dc\"")]
    [InlineData("W/\"1f-8dc\"")]
    [InlineData("\"x\", \"1f-8dc\"")]
    [InlineData("\"a,b\",W/\"1f-8dc\"")]
    [InlineData("*")]
    public void Weak_comparison_matches_the_tag_with_or_without_W(string field)
    {
        Assert.True(EntityTags.Matches(field, Tag, weakComparison: true));
    }

    [Theory]
    [InlineData("W/\"1f-8dc\"")]
    [InlineData("\"1f-8dd\"")]
    [InlineData("1f-8dc")]
    [InlineData("\"1f-8dc")]
    [InlineData("")]
    public void Strong_comparison_needs_an_identical_strong_tag(string field)
    {
        Assert.False(EntityTags.Matches(field, Tag, weakComparison: false));
    }

    [Fact]
    public void A_comma_inside_a_tag_does_not_split_it()
    {
        Assert.True(EntityTags.Matches("\"a, b\"", "\"a, b\"", weakComparison: false));
        Assert.False(EntityTags.Matches("\"a, b\"", "\"a\"", weakComparison: true));
    }

    [Fact]
    public void A_file_tag_changes_with_length_and_modification_time()
    {
        var t = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var tag = EntityTags.ForFile(100, t);
        Assert.Matches("^\"[0-9a-f]+-[0-9a-f]+\"$", tag);
        Assert.NotEqual(tag, EntityTags.ForFile(101, t));
        Assert.NotEqual(tag, EntityTags.ForFile(100, t.AddTicks(1)));
    }
}
