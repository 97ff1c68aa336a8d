using System.Net.Sockets;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Server;

/// <summary>The listener: connection limit, failure isolation, graceful drain.</summary>
public sealed class ListenerTests
{
    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync() { Write("Hello, world"); return Task.CompletedTask; }
    }

    private sealed class Crash : RequestHandler
    {
        public override Task GetAsync() => throw new InvalidOperationException("boom");
    }

    private sealed class SlowHandler : RequestHandler
    {
        public override async Task GetAsync()
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            Write("slow done");
        }
    }

    [Fact]
    public async Task Refuses_connections_over_the_limit_immediately_and_accepts_again_when_one_closes()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/"), "hub.server.max-connections = 2");
        using var a = await server.ConnectAsync();
        using var b = await server.ConnectAsync();
        await a.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        await b.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await a.ReadResponseAsync()).Status);
        Assert.Equal(200, (await b.ReadResponseAsync()).Status);

        // Refused at once: the reset may even beat the client's own connect completion.
        try
        {
            using var c = await server.ConnectAsync();
            Assert.True(await c.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "a third connection must be refused at once");
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
        }

        a.Dispose();
        // Once a slot frees up, new connections are served again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var d = await server.ConnectAsync();
                await d.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                Assert.Equal(200, (await d.ReadResponseAsync(TimeSpan.FromSeconds(5))).Status);
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task A_failing_handler_answers_500_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Crash>("/crash").Map<Hello>("/"));
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /crash HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(500, r.Status);
        Assert.DoesNotContain("boom", r.BodyText);
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("Hello, world", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Draining_finishes_in_flight_requests_closes_idle_ones_and_stops_accepting()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<SlowHandler>("/slow").Map<Hello>("/"));
        using var idle = await server.ConnectAsync();
        await idle.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await idle.ReadResponseAsync()).Status);

        using var busy = await server.ConnectAsync();
        await busy.SendAsync("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
        await Task.Delay(300);

        var drain = server.Binding.DrainAsync(TimeSpan.FromSeconds(10));
        var r = await busy.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("slow done", r.BodyText);
        Assert.Equal("close", r.Header("Connection"));
        Assert.True(await idle.WaitForCloseAsync());
        await drain.WaitAsync(TimeSpan.FromSeconds(15));

        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<SocketException>(() => late.ConnectAsync(System.Net.IPAddress.Loopback, server.Port));
    }
}
