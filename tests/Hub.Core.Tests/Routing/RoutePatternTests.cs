using System.Text.RegularExpressions;
using Hub.Routing;

namespace Hub.Core.Tests.Routing;

public sealed class RoutePatternTests
{
    [Fact]
    public void Template_parameter_matches_one_non_empty_segment()
    {
        var p = RoutePattern.Parse("/users/{id}");
        Assert.Equal("42", p.Match("/users/42")!["id"]);
        Assert.Equal(["42"], p.Match("/users/42")!.Positional);
        Assert.Null(p.Match("/users/"));
        Assert.Null(p.Match("/users/42/posts"));
        Assert.Null(p.Match("/users"));
        Assert.Null(p.Match("/xusers/42"));
    }

    [Fact]
    public void A_plain_path_is_literal_text()
    {
        var p = RoutePattern.Parse("/robots.txt");
        Assert.Same(RouteValues.Empty, p.Match("/robots.txt"));
        Assert.Null(p.Match("/robotsXtxt"));
        Assert.Equal("/robots.txt", p.Reverse());
    }

    [Fact]
    public void Template_literals_are_not_regex()
    {
        var p = RoutePattern.Parse("/files/{name}.txt");
        Assert.Equal("notes", p.Match("/files/notes.txt")!["name"]);
        Assert.Null(p.Match("/files/notesXtxt"));
    }

    [Fact]
    public void Catch_all_takes_the_rest_of_the_path_including_slashes_and_nothing()
    {
        var p = RoutePattern.Parse("/static/{*rest}");
        Assert.Equal("css/site/main.css", p.Match("/static/css/site/main.css")!["rest"]);
        Assert.Equal("", p.Match("/static/")!["rest"]);
        Assert.Null(p.Match("/static"));
    }

    [Fact]
    public void Several_template_parameters_come_out_in_path_order()
    {
        var values = RoutePattern.Parse("/users/{user}/posts/{post}").Match("/users/ann/posts/7")!;
        Assert.Equal(["ann", "7"], values.Positional);
        Assert.Equal("ann", values["user"]);
        Assert.Equal("7", values[1]);
    }

    [Fact]
    public void Tornado_regex_is_anchored_and_captures_positionally()
    {
        var p = RoutePattern.Parse("/items/([0-9]+)");
        Assert.Equal(["17"], p.Match("/items/17")!.Positional);
        Assert.Empty(p.Match("/items/17")!.Named);
        Assert.Null(p.Match("/items/17x"));
        Assert.Null(p.Match("/v1/items/17"));
        Assert.Null(p.Match("/items/abc"));
    }

    [Fact]
    public void Explicit_anchors_are_kept_as_written()
    {
        var p = RoutePattern.Parse("^/a/([a-z]+)$");
        Assert.Equal("^/a/([a-z]+)$", p.Source);
        Assert.Equal(["xyz"], p.Match("/a/xyz")!.Positional);
        Assert.Null(p.Match("/a/xyz/"));
    }

    [Fact]
    public void Named_regex_groups_are_available_by_name_and_position_in_path_order()
    {
        // .NET numbers the unnamed group (2nd in the path) before the named one (1st in the path).
        var values = RoutePattern.Parse(@"/(?<kind>[a-z]+)/([0-9]+)").Match("/books/12")!;
        Assert.Equal("books", values["kind"]);
        Assert.Equal(["books", "12"], values.Positional);
    }

    [Fact]
    public void An_optional_group_that_did_not_match_keeps_its_place_as_empty()
    {
        var p = RoutePattern.Parse(@"/a/([0-9]+)(/[a-z]+)?");
        Assert.Equal(["5", "/x"], p.Match("/a/5/x")!.Positional);
        Assert.Equal(["5", ""], p.Match("/a/5")!.Positional);
    }

    [Fact]
    public void Nested_groups_come_out_in_order_of_their_opening_parenthesis()
    {
        var values = RoutePattern.Parse(@"/v/(([0-9]+)-([a-z]+))").Match("/v/12-ab")!;
        Assert.Equal(["12-ab", "12", "ab"], values.Positional);
    }

    [Fact]
    public void Non_capturing_groups_and_character_classes_do_not_count_as_captures()
    {
        var values = RoutePattern.Parse(@"/(?:a|b)/([(][0-9]+[)])/(\()?").Match("/a/(1)/")!;
        Assert.Equal(["(1)", ""], values.Positional);
    }

    [Fact]
    public void Captures_are_percent_decoded_as_UTF8_but_plus_stays_plus()
    {
        var p = RoutePattern.Parse("/users/{id}");
        Assert.Equal("jo sé/x", p.Match("/users/jo%20s%C3%A9%2Fx")!["id"]);
        Assert.Equal("a+b", p.Match("/users/a+b")!["id"]);
        Assert.Equal("%zz", p.Match("/users/%zz")!["id"]);
        Assert.Equal(["1 2"], RoutePattern.Parse("/items/(.+)").Match("/items/1%202")!.Positional);
    }

    [Fact]
    public void Matching_is_against_the_raw_path_so_an_encoded_slash_stays_inside_one_segment()
    {
        var p = RoutePattern.Parse("/users/{id}");
        Assert.Equal("a/b", p.Match("/users/a%2Fb")!["id"]);
        Assert.Null(p.Match("/users/a/b"));
    }

    [Fact]
    public void A_pattern_without_groups_matches_exactly_with_no_values()
    {
        var values = RoutePattern.Parse("/health").Match("/health")!;
        Assert.Same(RouteValues.Empty, values);
        Assert.Null(RoutePattern.Parse("/health").Match("/health/"));
    }

    [Fact]
    public void FromRegex_keeps_the_regex_options()
    {
        var p = RoutePattern.FromRegex(new Regex("/Items/([0-9]+)", RegexOptions.IgnoreCase));
        Assert.Equal(["3"], p.Match("/ITEMS/3")!.Positional);
    }

    [Fact]
    public void Missing_named_value_throws_naming_it()
    {
        var values = RoutePattern.Parse("/users/{id}").Match("/users/1")!;
        var e = Assert.Throws<KeyNotFoundException>(() => values["user"]);
        Assert.Contains("'user'", e.Message);
        Assert.False(values.TryGetValue("user", out _));
        Assert.True(values.TryGetValue("id", out var id));
        Assert.Equal("1", id);
    }

    [Theory]
    [InlineData("/users/{id}", new object[] { 42 }, "/users/42")]
    [InlineData("/users/{id}", new object[] { "a b/c?d#e%" }, "/users/a%20b%2Fc%3Fd%23e%25")]
    [InlineData("/users/{id}", new object[] { "josé" }, "/users/jos%C3%A9")]
    [InlineData("/users/{user}/posts/{post}", new object[] { "ann", 7 }, "/users/ann/posts/7")]
    [InlineData("/static/{*rest}", new object[] { "css/a b.css" }, "/static/css/a%20b.css")]
    [InlineData("/items/([0-9]+)", new object[] { 5 }, "/items/5")]
    [InlineData("^/items/([0-9]+)$", new object[] { 5 }, "/items/5")]
    [InlineData(@"/files/([^/]+)\.txt", new object[] { "a/b" }, "/files/a%2Fb.txt")]
    [InlineData(@"/(?<kind>[a-z]+)/([0-9]+)", new object[] { "books", 12 }, "/books/12")]
    [InlineData("/health", new object[0], "/health")]
    public void Reverses_filling_captures_escaped(string pattern, object[] args, string expected)
    {
        var p = RoutePattern.Parse(pattern);
        var url = p.Reverse(args);
        Assert.Equal(expected, url);
        // What we build, we route back to the same values.
        var values = p.Match(url)!;
        Assert.Equal(args.Select(a => Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)), values.Positional);
    }

    [Fact]
    public void Reverse_checks_the_argument_count()
    {
        var e = Assert.Throws<ArgumentException>(() => RoutePattern.Parse("/users/{id}").Reverse());
        Assert.Contains("takes 1 argument", e.Message);
        Assert.Throws<ArgumentException>(() => RoutePattern.Parse("/items/([0-9]+)").Reverse(1, 2));
    }

    [Theory]
    [InlineData("/a/(?:x|y)/([0-9]+)")]
    [InlineData("/a/[0-9]+/([0-9]+)")]
    [InlineData("/a/(x)?")]
    [InlineData("/a.*")]
    [InlineData("/a/(?=x)(x)")]
    public void Patterns_too_complex_to_reverse_say_so(string pattern)
    {
        var e = Assert.Throws<InvalidOperationException>(() => RoutePattern.Parse(pattern).Reverse("x"));
        Assert.Contains("too complex to reverse", e.Message);
    }

    [Fact]
    public void A_template_naming_a_parameter_twice_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => RoutePattern.Parse("/a/{id}/b/{id}"));
        Assert.Contains("'id' twice", e.Message);
    }

    [Fact]
    public void An_invalid_regex_is_refused_when_the_route_is_built()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => RoutePattern.Parse("/items/([0-9]+"));
        Assert.Contains("'/items/([0-9]+'", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => RoutePattern.Parse(""));
    }
}
