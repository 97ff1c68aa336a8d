using System.Text.RegularExpressions;

namespace Hub.Core.Tests.Routing;

public sealed class RouteTableTests
{
    private sealed class A : RequestHandler;
    private sealed class B : RequestHandler;
    private sealed class C : RequestHandler;

    [Fact]
    public void The_first_matching_route_wins_in_the_order_they_were_added()
    {
        var app = new Application(r => r
            .Map<A>("/items/new")
            .Map<B>("/items/{id}")
            .Map<C>("/items/([a-z]+)"));
        Assert.Equal(typeof(A), app.Routes.Match("/items/new")!.Value.Route.HandlerType);
        Assert.Equal(typeof(B), app.Routes.Match("/items/abc")!.Value.Route.HandlerType);
        Assert.Equal("abc", app.Routes.Match("/items/abc")!.Value.Values["id"]);
    }

    [Fact]
    public void An_unknown_path_matches_nothing()
    {
        var app = new Application(r => r.Map<A>("/").Map<B>("/users/{id}"));
        Assert.Null(app.Routes.Match("/nope"));
        Assert.Null(app.Routes.Match("/users/"));
        Assert.Null(app.Routes.Match(""));
    }

    [Fact]
    public void Routes_keep_their_pattern_name_and_handler_type()
    {
        var app = new Application(r => r.Map<A>("/a", name: "a").Map<B>(new Regex("/b/([0-9]+)"), name: "b"));
        Assert.Collection(app.Routes.Routes,
            route => { Assert.Equal("/a", route.Pattern.Source); Assert.Equal("a", route.Name); Assert.Equal(typeof(A), route.HandlerType); },
            route => { Assert.Equal("/b/([0-9]+)", route.Pattern.Source); Assert.Equal("b", route.Name); Assert.Equal(typeof(B), route.HandlerType); });
    }

    [Fact]
    public void ReverseUrl_builds_named_template_and_regex_routes()
    {
        var app = new Application(r => r
            .Map<A>("/users/{id}", name: "user")
            .Map<B>("/items/([0-9]+)", name: "item")
            .Map<C>(new Regex(@"/tags/([^/]+)"), name: "tag"));
        Assert.Equal("/users/x%2Fy", app.ReverseUrl("user", "x/y"));
        Assert.Equal("/items/42", app.ReverseUrl("item", 42));
        Assert.Equal("/tags/c%23", app.ReverseUrl("tag", "c#"));
        Assert.Equal("/users/7", app.Routes.ReverseUrl("user", 7));
    }

    [Fact]
    public void ReverseUrl_of_an_unknown_name_throws_naming_it()
    {
        var app = new Application(r => r.Map<A>("/a", name: "a"));
        var e = Assert.Throws<KeyNotFoundException>(() => app.ReverseUrl("b"));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void Two_routes_with_the_same_name_are_rejected_when_the_application_is_built()
    {
        var e = Assert.Throws<ArgumentException>(() => new Application(r => r.Map<A>("/a", name: "x").Map<B>("/b", name: "x")));
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void Unnamed_routes_do_not_clash()
    {
        var app = new Application(r => r.Map<A>("/a").Map<B>("/b").Map<C>("/c", name: "c"));
        Assert.Equal(3, app.Routes.Routes.Count);
        Assert.Equal("/c", app.ReverseUrl("c"));
    }
}
