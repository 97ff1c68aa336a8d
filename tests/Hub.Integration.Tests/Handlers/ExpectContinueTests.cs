using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ExpectContinueTests
{
    private sealed class Echo : RequestHandler
    {
        public override Task PostAsync()
        {
            Write("got " + System.Text.Encoding.ASCII.GetString(Request.Body.Span));
            return Task.CompletedTask;
        }
    }

    [StreamRequestBody]
    private sealed class Stream(Probe probe) : RequestHandler
    {
        public override Task DataReceivedAsync(ReadOnlyMemory<byte> chunk)
        {
            probe.Record("slice", System.Text.Encoding.ASCII.GetString(chunk.Span));
            return Task.CompletedTask;
        }

        public override Task PostAsync() { Write("streamed"); return Task.CompletedTask; }
    }

    [StreamRequestBody]
    private sealed class Guarded(Probe probe) : RequestHandler
    {
        public override Task PrepareAsync() =>
            Request.Headers.Get("Authorization") is null ? throw new HttpError(401) : Task.CompletedTask;

        public override Task DataReceivedAsync(ReadOnlyMemory<byte> chunk)
        {
            probe.Record("slice", chunk.Length.ToString());
            return Task.CompletedTask;
        }

        public override Task PostAsync() { Write("accepted"); return Task.CompletedTask; }
    }

    private sealed class GetOnly : RequestHandler
    {
        public override Task GetAsync() => Task.CompletedTask;
    }

    private static Task<TestServer> Start(Probe probe) => TestServer.StartAsync(r => r
        .Map<Echo>("/echo")
        .Map<Stream>("/stream", null, probe)
        .Map<Guarded>("/guarded", null, probe)
        .Map<GetOnly>("/get"), "hub.http.max-request-body-size = 1k");

    [Fact]
    public async Task The_server_sends_100_Continue_and_then_the_final_response()
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var interim = await conn.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 100 Continue", interim.StatusLine);
        Assert.Empty(interim.Headers);
        await conn.SendAsync("hello");
        var final = await conn.ReadResponseAsync();
        Assert.Equal(200, final.Status);
        Assert.Equal("got hello", final.BodyText);
        // Keep-alive goes on.
        await conn.SendAsync("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok");
        Assert.Equal("got ok", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_streaming_handler_gets_its_body_after_the_100()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /stream HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
        Assert.Equal(100, (await conn.ReadResponseAsync()).Status);
        await conn.SendAsync("3\r\nabc\r\n");
        Assert.Equal("slice:abc", await probe.NextAsync());
        await conn.SendAsync("0\r\n\r\n");
        Assert.Equal("streamed", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_gets_413_without_100()
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 1025\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(413, response.Status);
        Assert.True(await conn.WaitForCloseAsync());
        Assert.DoesNotContain("100 Continue", conn.Unconsumed);
    }

    [Theory]
    [InlineData("POST /get", 405)]
    [InlineData("POST /missing", 404)]
    public async Task A_request_that_will_be_refused_anyway_gets_the_error_without_100(string requestLine, int status)
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync($"{requestLine} HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(status, response.Status);
        // The client may never send the body now, so the connection cannot be reused for another request.
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await conn.WaitForCloseAsync());
        Assert.DoesNotContain("100 Continue", conn.Unconsumed);
    }

    [Fact]
    public async Task A_streaming_handler_accepted_by_PrepareAsync_gets_100_and_its_body()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: yes\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        Assert.Equal(100, (await conn.ReadResponseAsync()).Status);
        await conn.SendAsync("data");
        Assert.Equal("accepted", (await conn.ReadResponseAsync()).BodyText);
        Assert.Equal(["slice:4"], probe.Events);
    }

    [Fact]
    public async Task A_streaming_handler_whose_PrepareAsync_rejects_answers_without_100()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /guarded HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(401, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.Empty(probe.Events);
    }
}
