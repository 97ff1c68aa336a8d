using System.Net.Sockets;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ConnectionClosedTests
{
    private sealed class Long(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            probe.Record("started");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ConnectionClosed);
                probe.Record("completed");
            }
            catch (OperationCanceledException)
            {
                probe.Record("cancelled");
                throw;
            }
        }

        public override void OnConnectionClose() => probe.Record("on connection close");
        public override void OnFinish() => probe.Record("on finish");
    }

    /// <summary>Ignores the token and keeps going; the hook must still tell it the client left.</summary>
    private sealed class Oblivious(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            probe.Record("started");
            await probe.Gate("go on");
            Write("nobody is listening");
        }

        public override void OnConnectionClose() => probe.Record("on connection close");
    }

    /// <summary>Streams until the client goes away; every flush waits for the socket to take the bytes.</summary>
    private sealed class Endless(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            var chunk = new string('z', 16 * 1024);
            try
            {
                for (var i = 0; i < 100_000; i++)
                {
                    Write(chunk);
                    await FlushAsync();
                    if (i == 0) probe.Record("streaming");
                }
                probe.Record("wrote everything");
            }
            catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException)
            {
                // The token is cancelled off the stream's thread, so it may trail the failed flush a little.
                try { await Task.Delay(TimeSpan.FromSeconds(10), ConnectionClosed); }
                catch (OperationCanceledException) { }
                probe.Record("client gone", ConnectionClosed.IsCancellationRequested ? "token cancelled" : "token quiet");
                throw;
            }
        }
    }

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync() { Write("hello"); return Task.CompletedTask; }
    }

    private static Task<TestServer> Start(Probe probe) => TestServer.StartAsync(r => r
        .Map<Long>("/long", null, probe)
        .Map<Oblivious>("/oblivious", null, probe)
        .Map<Endless>("/endless", null, probe)
        .Map<Hello>("/"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConnectionClosed_fires_when_the_client_disconnects_mid_request(bool halfClose)
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /long HTTP/1.1\r\nHost: t\r\n\r\n");
        await probe.WaitFor("started");
        if (halfClose) conn.Socket.Shutdown(SocketShutdown.Send);
        else conn.Dispose();
        await probe.WaitFor("cancelled", TimeSpan.FromSeconds(20));
        Assert.False(probe.Happened("completed"));
        if (halfClose) conn.Dispose();
        // The server is unaffected.
        Assert.Equal("hello", await server.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task OnConnectionClose_is_called_when_the_client_disconnects_mid_request()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /long HTTP/1.1\r\nHost: t\r\n\r\n");
        await probe.WaitFor("started");
        conn.Dispose();
        await probe.WaitFor("on connection close", TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task OnConnectionClose_reaches_a_handler_that_ignores_the_token_while_it_still_runs()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /oblivious HTTP/1.1\r\nHost: t\r\n\r\n");
        await probe.WaitFor("started");
        conn.Dispose();
        try
        {
            await probe.WaitFor("on connection close", TimeSpan.FromSeconds(20));
        }
        finally
        {
            probe.Open("go on");
        }
    }

    [Fact]
    public async Task A_streaming_handler_learns_the_client_left_from_FlushAsync_and_the_token()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n");
        await new SocketText(conn.Socket).ReadUntilAsync("zzzz");
        await probe.WaitFor("streaming");
        conn.Socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with RST
        conn.Dispose();
        Assert.Equal("token cancelled", await probe.WaitFor("client gone", TimeSpan.FromSeconds(20)));
        Assert.False(probe.Happened("wrote everything"));
        Assert.Equal("hello", await server.Client.GetStringAsync("/"));
    }

    [Fact]
    public async Task ConnectionClosed_stays_quiet_for_a_client_that_waits()
    {
        var probe = new Probe();
        await using var server = await TestServer.StartAsync(r => r.Map<Quick>("/", null, probe));
        Assert.Equal("not cancelled", await server.Client.GetStringAsync("/"));
    }

    private sealed class Quick(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            await Task.Delay(200, ConnectionClosed);
            _ = probe;
            Write(ConnectionClosed.IsCancellationRequested ? "cancelled" : "not cancelled");
        }
    }
}
