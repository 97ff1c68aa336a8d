using Hub.Http;

namespace Hub.Core.Tests.Http;

/// <summary>Cookie request header (RFC 6265 §4.2.1, §5.4).</summary>
public sealed class CookieParserTests
{
    [Fact]
    public void Parses_pairs_separated_by_semicolons()
    {
        var c = CookieParser.Parse(["session=abc123; theme=dark;lang=en"]);
        Assert.Equal("abc123", c["session"]);
        Assert.Equal("dark", c["theme"]);
        Assert.Equal("en", c["lang"]);
        Assert.Equal(3, c.Count);
    }

    [Fact]
    public void Reads_every_Cookie_line_and_keeps_the_first_of_a_repeated_name()
    {
        var c = CookieParser.Parse(["a=1; b=2", "a=3; c=4"]);
        Assert.Equal("1", c["a"]);
        Assert.Equal("2", c["b"]);
        Assert.Equal("4", c["c"]);
    }

    [Fact]
    public void Removes_the_quotes_of_a_quoted_value_and_keeps_equals_signs_in_values()
    {
        var c = CookieParser.Parse(["q=\"quoted value\"; b64=YWJj==; half=\"x"]);
        Assert.Equal("quoted value", c["q"]);
        Assert.Equal("YWJj==", c["b64"]);
        Assert.Equal("\"x", c["half"]);
    }

    [Fact]
    public void Skips_pairs_without_a_name_and_tolerates_whitespace()
    {
        var c = CookieParser.Parse(["  a = 1 ;;  =nameless; novalue; b=  "]);
        Assert.Equal("1", c["a"]);
        Assert.Equal("", c["b"]);
        Assert.Equal(2, c.Count);
    }

    [Fact]
    public void Keeps_names_case_sensitive() =>
        Assert.Equal(2, CookieParser.Parse(["ID=1; id=2"]).Count);

    [Fact]
    public void Parses_no_header_as_no_cookies() => Assert.Empty(CookieParser.Parse([]));
}
