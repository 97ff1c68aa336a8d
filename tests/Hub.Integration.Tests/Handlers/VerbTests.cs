using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class VerbTests
{
    private sealed class GetOnly : RequestHandler
    {
        public override Task GetAsync()
        {
            SetHeader("X-Custom", "yes");
            SetCookie("seen", "1");
            Write("0123456789 body of GET");
            return Task.CompletedTask;
        }
    }

    private sealed class PostAndDelete : RequestHandler
    {
        public override Task PostAsync() { Write("posted"); return Task.CompletedTask; }
        public override Task DeleteAsync() { SetStatus(204); return Task.CompletedTask; }
    }

    private sealed class AllVerbs : RequestHandler
    {
        public override Task GetAsync() => Say();
        public override Task PostAsync() => Say();
        public override Task PutAsync() => Say();
        public override Task PatchAsync() => Say();
        public override Task DeleteAsync() => Say();

        private Task Say()
        {
            Write(Request.Method);
            return Task.CompletedTask;
        }
    }

    private sealed class CustomOptions : RequestHandler
    {
        public override Task GetAsync() => Task.CompletedTask;

        public override Task OptionsAsync()
        {
            SetHeader("Access-Control-Allow-Origin", "*");
            return base.OptionsAsync();
        }
    }

    private static Task<TestServer> Start() => TestServer.StartAsync(r => r
        .Map<GetOnly>("/get")
        .Map<PostAndDelete>("/pd")
        .Map<AllVerbs>("/all")
        .Map<CustomOptions>("/cors"));

    [Theory]
    [InlineData("POST", "/get", "GET, HEAD, OPTIONS")]
    [InlineData("PUT", "/get", "GET, HEAD, OPTIONS")]
    [InlineData("DELETE", "/get", "GET, HEAD, OPTIONS")]
    [InlineData("GET", "/pd", "POST, DELETE, OPTIONS")]
    [InlineData("HEAD", "/pd", "POST, DELETE, OPTIONS")]
    [InlineData("PATCH", "/pd", "POST, DELETE, OPTIONS")]
    [InlineData("FOO", "/get", "GET, HEAD, OPTIONS")]
    [InlineData("TRACE", "/all", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")]
    [InlineData("CONNECT", "/all", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")]
    public async Task A_verb_the_handler_does_not_implement_is_405_with_Allow(string method, string path, string allow)
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        // CONNECT takes an authority-form target in HTTP; here every method uses the same origin-form request line.
        await conn.SendAsync($"{method} {path} HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync(headRequest: method == "HEAD");
        Assert.Equal(405, response.Status);
        Assert.Equal(allow, response.Header("Allow"));
        // The connection is still good for the next request.
        await conn.SendAsync("GET /all HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("GET", (await conn.ReadResponseAsync()).BodyText);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Each_implemented_verb_reaches_its_method(string method)
    {
        await using var server = await Start();
        var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/all"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(method, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HEAD_is_served_by_GET_with_the_same_headers_and_no_body()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /get HTTP/1.1\r\nHost: t\r\n\r\n");
        var get = await conn.ReadResponseAsync();
        await conn.SendAsync("HEAD /get HTTP/1.1\r\nHost: t\r\n\r\n");
        var head = await conn.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("22", get.Header("Content-Length"));
        Assert.Empty(head.Body);
        foreach (var name in new[] { "Content-Length", "Content-Type", "X-Custom", "Set-Cookie" })
            Assert.Equal(get.Header(name), head.Header(name));
        Assert.Null(head.Header("Transfer-Encoding"));
        // No body bytes followed the HEAD response: the next response starts right away.
        await conn.SendAsync("GET /all HTTP/1.1\r\nHost: t\r\n\r\n");
        var next = await conn.ReadResponseAsync();
        Assert.Equal("GET", next.BodyText);
        Assert.Equal("", conn.Unconsumed);
    }

    [Fact]
    public async Task OPTIONS_is_204_with_Allow_by_default()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("OPTIONS /pd HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(204, response.Status);
        Assert.Equal("POST, DELETE, OPTIONS", response.Header("Allow"));
        Assert.Null(response.Header("Content-Length"));
        Assert.Null(response.Header("Content-Type"));
        Assert.Empty(response.Body);
        await conn.SendAsync("OPTIONS /all HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", (await conn.ReadResponseAsync()).Header("Allow"));
    }

    [Fact]
    public async Task OPTIONS_can_be_overridden()
    {
        await using var server = await Start();
        var response = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/cors"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(["GET", "HEAD", "OPTIONS"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Methods_are_case_sensitive()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("get /all HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(405, (await conn.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task A_refused_verb_with_a_body_keeps_the_connection_in_sync()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("PUT /get HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world");
        Assert.Equal(405, (await conn.ReadResponseAsync()).Status);
        await conn.SendAsync("POST /pd HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        Assert.Equal("posted", (await conn.ReadResponseAsync()).BodyText);
    }
}
