using Hub.Handlers.StaticFiles;
using Hub.Http;

namespace Hub.Core.Tests.Handlers.StaticFiles;

public sealed class PreconditionsTests
{
    private const string Tag = "\"10-abc\"";
    private static readonly DateTimeOffset Modified = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string ModifiedText = HttpDate.Format(Modified);
    private static readonly string Earlier = HttpDate.Format(Modified.AddSeconds(-1));
    private static readonly string Later = HttpDate.Format(Modified.AddDays(1));

    private static HttpHeaders Headers(params (string Name, string Value)[] fields)
    {
        var headers = new HttpHeaders();
        foreach (var (name, value) in fields) headers.Add(name, value);
        return headers;
    }

    private static PreconditionResult Evaluate(params (string, string)[] fields) =>
        Preconditions.Evaluate(Headers(fields), getOrHead: true, Tag, Modified);

    [Fact]
    public void Without_conditions_the_file_is_served() => Assert.Equal(PreconditionResult.Proceed, Evaluate());

    [Fact]
    public void A_matching_if_none_match_is_not_modified()
    {
        Assert.Equal(PreconditionResult.NotModified, Evaluate(("If-None-Match", Tag)));
        Assert.Equal(PreconditionResult.NotModified, Evaluate(("If-None-Match", "W/" + Tag)));
        Assert.Equal(PreconditionResult.NotModified, Evaluate(("If-None-Match", "*")));
    }

    [Fact]
    public void A_different_if_none_match_is_served() =>
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-None-Match", "\"other\"")));

    [Fact]
    public void If_modified_since_at_or_after_the_modification_is_not_modified()
    {
        Assert.Equal(PreconditionResult.NotModified, Evaluate(("If-Modified-Since", ModifiedText)));
        Assert.Equal(PreconditionResult.NotModified, Evaluate(("If-Modified-Since", Later)));
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-Modified-Since", Earlier)));
    }

    [Fact]
    public void If_none_match_takes_precedence_over_if_modified_since() =>
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-None-Match", "\"other\""), ("If-Modified-Since", Later)));

    [Fact]
    public void An_invalid_or_repeated_if_modified_since_is_ignored()
    {
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-Modified-Since", "not a date")));
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-Modified-Since", Later), ("If-Modified-Since", Later)));
    }

    [Fact]
    public void If_modified_since_only_applies_to_get_and_head() =>
        Assert.Equal(PreconditionResult.Proceed,
            Preconditions.Evaluate(Headers(("If-Modified-Since", Later)), getOrHead: false, Tag, Modified));

    [Fact]
    public void A_failed_if_match_or_if_unmodified_since_is_a_precondition_failure()
    {
        Assert.Equal(PreconditionResult.Failed, Evaluate(("If-Match", "\"other\"")));
        Assert.Equal(PreconditionResult.Failed, Evaluate(("If-Match", "W/" + Tag)));
        Assert.Equal(PreconditionResult.Failed, Evaluate(("If-Unmodified-Since", Earlier)));
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-Match", Tag)));
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-Unmodified-Since", ModifiedText)));
    }

    [Fact]
    public void If_match_takes_precedence_over_if_unmodified_since() =>
        Assert.Equal(PreconditionResult.Proceed, Evaluate(("If-Match", Tag), ("If-Unmodified-Since", Earlier)));

    [Fact]
    public void If_range_allows_the_range_only_for_the_current_representation()
    {
        Assert.True(Preconditions.RangeAllowed(Headers(), Tag, Modified));
        Assert.True(Preconditions.RangeAllowed(Headers(("If-Range", Tag)), Tag, Modified));
        Assert.True(Preconditions.RangeAllowed(Headers(("If-Range", ModifiedText)), Tag, Modified));
        Assert.False(Preconditions.RangeAllowed(Headers(("If-Range", "W/" + Tag)), Tag, Modified));
        Assert.False(Preconditions.RangeAllowed(Headers(("If-Range", "\"old\"")), Tag, Modified));
        Assert.False(Preconditions.RangeAllowed(Headers(("If-Range", Later)), Tag, Modified));
        Assert.False(Preconditions.RangeAllowed(Headers(("If-Range", "garbage")), Tag, Modified));
    }
}
