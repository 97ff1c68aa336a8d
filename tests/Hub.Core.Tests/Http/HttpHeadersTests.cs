using Hub.Http;

namespace Hub.Core.Tests.Http;

/// <summary>Header fields: case-insensitive names (RFC 9110 §5.1), order kept, repeats combined with ", " (§5.3).</summary>
public sealed class HttpHeadersTests
{
    [Fact]
    public void Looks_names_up_case_insensitively_and_returns_the_first_value()
    {
        var h = new HttpHeaders();
        h.Add("Content-Type", "text/plain");
        h.Add("content-type", "text/html");
        Assert.Equal("text/plain", h["CONTENT-TYPE"]);
        Assert.Equal("text/plain", h.Get("content-type"));
        Assert.True(h.TryGet("Content-type", out var v));
        Assert.Equal("text/plain", v);
        Assert.True(h.Contains("CONTENT-type"));
        Assert.Null(h["Missing"]);
        Assert.False(h.TryGet("Missing", out _));
        Assert.False(h.Contains("Missing"));
    }

    [Fact]
    public void Keeps_repeated_fields_in_arrival_order()
    {
        var h = new HttpHeaders();
        h.Add("Accept", "a");
        h.Add("X", "1");
        h.Add("ACCEPT", "b");
        Assert.Equal(["a", "b"], h.GetAll("accept"));
        Assert.Equal("a, b", h.GetCombined("Accept"));
        Assert.Equal("1", h.GetCombined("X"));
        Assert.Null(h.GetCombined("Missing"));
        Assert.Empty(h.GetAll("Missing"));
        Assert.Equal(3, h.Count);
        Assert.Equal(["Accept", "X", "ACCEPT"], h.Select(f => f.Key));
    }

    [Fact]
    public void Finds_tokens_in_comma_separated_lists_across_lines()
    {
        var h = new HttpHeaders();
        h.Add("Connection", "keep-alive, Upgrade");
        h.Add("connection", " \tclose\t ");
        Assert.True(h.HasToken("Connection", "upgrade"));
        Assert.True(h.HasToken("CONNECTION", "close"));
        Assert.True(h.HasToken("Connection", "KEEP-ALIVE"));
        Assert.False(h.HasToken("Connection", "keep"));
        Assert.False(h.HasToken("Connection", "alive"));
        Assert.False(h.HasToken("Upgrade", "close"));
    }

    [Fact]
    public void Does_not_match_a_token_inside_a_longer_one()
    {
        var h = new HttpHeaders();
        h.Add("Connection", "closed,xclose, close-ish");
        Assert.False(h.HasToken("Connection", "close"));
    }

    [Fact]
    public void Set_replaces_every_field_of_the_name_and_Remove_drops_them_all()
    {
        var h = new HttpHeaders();
        h.Add("Set-Cookie", "a=1");
        h.Add("X", "keep");
        h.Add("set-cookie", "b=2");
        h.Set("SET-COOKIE", "c=3");
        Assert.Equal(["c=3"], h.GetAll("Set-Cookie"));
        Assert.Equal(2, h.Count);
        Assert.True(h.Remove("set-cookie"));
        Assert.False(h.Remove("set-cookie"));
        Assert.Equal("keep", Assert.Single(h).Value);
        h.Clear();
        Assert.Equal(0, h.Count);
    }
}
