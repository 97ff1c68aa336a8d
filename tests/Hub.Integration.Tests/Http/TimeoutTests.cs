using System.Diagnostics;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Http;

/// <summary>Keep-alive idle timeout and request-headers timeout (bounds are generous: they prove behaviour, not speed).</summary>
public sealed class TimeoutTests
{
    private sealed class Slow : RequestHandler
    {
        public override async Task GetAsync()
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Write("done");
        }
    }

    private const string ShortTimeouts = "hub.http { keep-alive-timeout = 1s, request-headers-timeout = 1s }";

    [Fact]
    public async Task Closes_an_idle_keep_alive_connection_quietly_after_the_timeout()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Slow>("/"), ShortTimeouts);
        using var conn = await server.ConnectAsync();
        var sw = Stopwatch.StartNew();
        Assert.True(await conn.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(800), $"closed after {sw.Elapsed}, before the idle timeout");
        Assert.Equal("", conn.Unconsumed);
    }

    [Fact]
    public async Task Answers_408_when_the_head_does_not_complete_in_time()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Slow>("/"), ShortTimeouts);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ");
        var r = await conn.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(408, r.Status);
        Assert.True(await conn.WaitForCloseAsync());
    }

    [Fact]
    public async Task Never_cuts_a_request_that_is_being_processed()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Slow>("/"), ShortTimeouts);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("done", r.BodyText);
    }

    [Fact]
    public async Task Restarts_the_idle_timer_after_each_response()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Slow>("/"), "hub.http { keep-alive-timeout = 2s }");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync(TimeSpan.FromSeconds(15))).Status);
        // The 3 s request outlived the 2 s idle timeout; the connection is still usable right after.
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync(TimeSpan.FromSeconds(15))).Status);
    }
}
