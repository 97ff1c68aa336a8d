using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Http;

public sealed class HelloWorldTests
{
    private sealed class MainHandler : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("Hello, world");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Serves_hello_world_over_HttpClient()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<MainHandler>("/"));
        var response = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, world", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Answers_pipelined_requests_in_order_on_one_connection()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<MainHandler>("/"));
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /missing HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync()).Status);
        Assert.Equal(404, (await conn.ReadResponseAsync()).Status);
        var third = await conn.ReadResponseAsync();
        Assert.Equal(200, third.Status);
        Assert.Equal("Hello, world", third.BodyText);
    }
}
