using Hub.Http;

namespace Hub.Core.Tests.Http;

/// <summary>Percent-decoding (RFC 3986 §2.1) of paths and query strings; '+' is a space only in queries and forms.</summary>
public sealed class UrlEncodingTests
{
    [Theory]
    [InlineData("/plain", "/plain")]
    [InlineData("/a%20b", "/a b")]
    [InlineData("/a+b", "/a+b")]
    [InlineData("/%41%62%63", "/Abc")]
    [InlineData("/caf%C3%A9", "/café")]
    [InlineData("/%e2%82%ac", "/€")]
    [InlineData("/%F0%9F%98%80", "/😀")]
    [InlineData("/a%2Fb", "/a/b")]
    [InlineData("/100%", "/100%")]
    [InlineData("/%4", "/%4")]
    [InlineData("/%zz", "/%zz")]
    [InlineData("/%%41", "/%A")]
    [InlineData("/%", "/%")]
    [InlineData("/é", "/é")]
    [InlineData("/😀%20", "/😀 ")]
    public void Decodes_paths_keeping_plus_and_invalid_escapes(string raw, string expected) =>
        Assert.Equal(expected, UrlEncoding.DecodePath(raw));

    [Theory]
    [InlineData("a+b", "a b")]
    [InlineData("a%2Bb", "a+b")]
    [InlineData("%20+%20", "   ")]
    [InlineData("x", "x")]
    public void Decodes_query_components_with_plus_as_space(string raw, string expected) =>
        Assert.Equal(expected, UrlEncoding.DecodeComponent(raw));

    [Fact]
    public void Replaces_invalid_UTF_8_with_the_replacement_character() =>
        Assert.Equal("/\uFFFD", UrlEncoding.DecodePath("/%FF"));

    [Fact]
    public void Returns_the_same_string_when_there_is_nothing_to_decode()
    {
        const string raw = "/nothing/to/decode";
        Assert.Same(raw, UrlEncoding.DecodePath(raw));
        Assert.Same(raw, UrlEncoding.DecodeComponent(raw));
    }

    [Fact]
    public void Parses_a_query_into_ordered_repeated_values()
    {
        var q = UrlEncoding.ParseQuery("a=1&b=two+words&a=%32&flag&empty=&=nameless&&c=x=y");
        Assert.Equal(["1", "2"], q["a"]);
        Assert.Equal(["two words"], q["b"]);
        Assert.Equal([""], q["flag"]);
        Assert.Equal([""], q["empty"]);
        Assert.Equal(["nameless"], q[""]);
        Assert.Equal(["x=y"], q["c"]);
        Assert.Equal(6, q.Count);
    }

    [Fact]
    public void Decodes_names_too_and_keeps_them_case_sensitive()
    {
        var q = UrlEncoding.ParseQuery("N%61me=1&name=2&na+me=3");
        Assert.Equal(["1"], q["Name"]);
        Assert.Equal(["2"], q["name"]);
        Assert.Equal(["3"], q["na me"]);
    }

    [Fact]
    public void Parses_an_empty_query_as_empty()
    {
        Assert.Empty(UrlEncoding.ParseQuery(""));
        Assert.Empty(UrlEncoding.ParseQuery("&&"));
    }
}
