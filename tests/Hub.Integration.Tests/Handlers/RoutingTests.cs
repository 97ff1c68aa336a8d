using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class RoutingTests
{
    /// <summary>Echoes which handler ran and what the route captured.</summary>
    private class Echo : RequestHandler
    {
        public override Task GetAsync()
        {
            var named = string.Join(",", RouteValues.Named.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
            Write($"{GetType().Name} [{string.Join("|", RouteValues.Positional)}] {{{named}}}");
            return Task.CompletedTask;
        }
    }

    private sealed class First : Echo;
    private sealed class Second : Echo;

    private sealed class Links : RequestHandler
    {
        public override Task GetAsync()
        {
            Write(Application.ReverseUrl("user", GetArgument("id")) + " " + Application.ReverseUrl("item", 7) + " " +
                  Application.ReverseUrl("file", "a b/c.txt"));
            return Task.CompletedTask;
        }
    }

    private static Task<TestServer> Start() => TestServer.StartAsync(r => r
        .Map<First>("/items/new")
        .Map<Second>("/items/([0-9]+)", name: "item")
        .Map<Echo>("/users/{id}", name: "user")
        .Map<Echo>("/users/{id}/posts/{post}")
        .Map<Echo>("/files/{*rest}", name: "file")
        .Map<Echo>(@"/(?<kind>books|films)/([0-9]+)")
        .Map<Links>("/links")
        .Map<Echo>("/"));

    [Theory]
    [InlineData("/users/42", "Echo [42] {id=42}")]
    [InlineData("/users/ann/posts/7", "Echo [ann|7] {id=ann,post=7}")]
    [InlineData("/files/css/site.css", "Echo [css/site.css] {rest=css/site.css}")]
    [InlineData("/files/", "Echo [] {rest=}")]
    [InlineData("/items/17", "Second [17] {}")]
    [InlineData("/books/3", "Echo [books|3] {kind=books}")]
    [InlineData("/", "Echo [] {}")]
    public async Task Routes_templates_catch_alls_and_Tornado_regexes(string path, string expected)
    {
        await using var server = await Start();
        Assert.Equal(expected, await server.Client.GetStringAsync(path));
    }

    [Fact]
    public async Task The_first_matching_route_wins()
    {
        await using var server = await Start();
        Assert.Equal("First [] {}", await server.Client.GetStringAsync("/items/new"));
        Assert.Equal("Second [5] {}", await server.Client.GetStringAsync("/items/5"));
    }

    [Fact]
    public async Task Captures_are_percent_decoded_and_an_encoded_slash_stays_in_its_segment()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /users/jo%20s%C3%A9%2Fx HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("Echo [jo sé/x] {id=jo sé/x}", response.BodyText);
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/users/")]
    [InlineData("/users/1/2")]
    [InlineData("/items/abc")]
    [InlineData("/items/17/")]
    [InlineData("/films/x")]
    public async Task An_unknown_path_is_404_and_the_connection_stays_usable(string path)
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync($"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n");
        var missing = await conn.ReadResponseAsync();
        Assert.Equal(404, missing.Status);
        Assert.Contains("404: Not Found", missing.BodyText);
        Assert.Null(missing.Header("Connection"));
        await conn.SendAsync("GET /users/1 HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("Echo [1] {id=1}", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task An_unknown_path_with_a_body_drains_the_body_and_keeps_the_connection()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /nope HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        Assert.Equal(404, (await conn.ReadResponseAsync()).Status);
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("Echo [] {}", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Handlers_build_links_with_ReverseUrl_escaping_the_arguments()
    {
        await using var server = await Start();
        var links = await server.Client.GetStringAsync("/links?id=a%20b%2F%3F");
        Assert.Equal("/users/a%20b%2F%3F /items/7 /files/a%20b/c.txt", links);
        // ... and the links lead back to the same values.
        Assert.Equal("Echo [a b/?] {id=a b/?}", await server.Client.GetStringAsync(links.Split(' ')[0]));
        Assert.Equal("Echo [a b/c.txt] {rest=a b/c.txt}", await server.Client.GetStringAsync(links.Split(' ')[2]));
    }

    [Fact]
    public async Task Two_routes_with_one_name_fail_at_startup()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            TestServer.StartAsync(r => r.Map<First>("/a", name: "dup").Map<Second>("/b", name: "dup")));
        Assert.Contains("'dup'", e.Message);
    }

    [Fact]
    public async Task Absolute_form_targets_route_by_their_path()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET http://example.test/users/9?x=1 HTTP/1.1\r\nHost: example.test\r\n\r\n");
        Assert.Equal("Echo [9] {id=9}", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task The_query_string_does_not_take_part_in_routing()
    {
        await using var server = await Start();
        var response = await server.Client.GetAsync("/users/5?id=6");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Echo [5] {id=5}", await response.Content.ReadAsStringAsync());
    }
}
