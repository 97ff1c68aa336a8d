using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Http;

/// <summary>
/// Every malformed request gets the status RFC 9110/9112 prescribes, the connection is closed where framing is in
/// doubt, and the server keeps serving: after each case a fresh connection still gets 200.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync() { Write("Hello, world"); return Task.CompletedTask; }
        public override Task PostAsync() { Write($"got {Request.Body.Length}"); return Task.CompletedTask; }
    }

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(r => r.Map<Hello>("/"),
        "hub.http { max-request-body-size = 1000, max-request-line-size = 1k, max-request-headers-total-size = 4k, max-request-header-count = 20 }");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string, int> Cases => new()
    {
        { "both Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400 },
        { "differing duplicate Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400 },
        { "differing Content-Length list", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 6\r\n\r\nhello!", 400 },
        { "signed Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello", 400 },
        { "hex Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0x5\r\n\r\nhello", 400 },
        { "Content-Length with inner space", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1 2\r\n\r\nhello", 400 },
        { "Transfer-Encoding not ending in chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400 },
        { "Transfer-Encoding identity", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: identity\r\n\r\n", 400 },
        { "Transfer-Encoding gzip then chunked", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501 },
        { "invalid chunk size", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400 },
        { "overflowing chunk size", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n", 400 },
        { "bare LF after chunk-data", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400 },
        { "bare LF after chunk-size", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400 },
        { "bare LF after last-chunk", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\n\r\n", 400 },
        { "bare LF after a trailer", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\n\r\n", 400 },
        { "bare LF ending the trailers", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\n", 400 },
        { "chunk extension outside the grammar", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;a b\r\nhello\r\n0\r\n\r\n", 400 },
        { "obs-fold", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\r\n  folded\r\n\r\n", 400 },
        { "whitespace before colon", "GET / HTTP/1.1\r\nHost: t\r\nX-A : a\r\n\r\n", 400 },
        { "bare CR in value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400 },
        { "NUL in value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n", 400 },
        { "control character in name", "GET / HTTP/1.1\r\nHost: t\r\nX\u0001A: a\r\n\r\n", 400 },
        { "control character in value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u0007b\r\n\r\n", 400 },
        { "invalid method token", "G(T / HTTP/1.1\r\nHost: t\r\n\r\n", 400 },
        { "missing Host on 1.1", "GET / HTTP/1.1\r\nX-A: a\r\n\r\n", 400 },
        { "duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
        { "invalid Host", "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n", 400 },
        { "unsupported version", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505 },
        { "HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505 },
        { "malformed version", "GET / HTTX/1.1\r\nHost: t\r\n\r\n", 400 },
        { "body over limit by Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n", 413 },
        { "unknown expectation", "POST / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx", 417 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_the_RFC_status_closes_and_keeps_serving_others(string name, string request, int status)
    {
        _ = name;
        using var bystander = await _server.ConnectAsync();
        await bystander.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await bystander.ReadResponseAsync()).Status);

        using var conn = await _server.ConnectAsync();
        await conn.SendAsync(request);
        var response = await conn.ReadResponseAsync();
        Assert.Equal(status, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.DoesNotContain("   at ", response.BodyText);
        Assert.True(await conn.WaitForCloseAsync(), "the server must close the connection after a framing error");

        // The listener and an already open connection keep working.
        Assert.Equal(200, (int)(await _server.GetOnFreshConnectionAsync()).StatusCode);
        await bystander.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("Hello, world", (await bystander.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_chunk_ended_by_a_bare_LF_gets_400_and_nothing_after_it_is_served()
    {
        // The smuggling report: a lenient reader answers the POST, then serves the following bytes as a request.
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                             + "10\r\n{\"name\":\"abcde\"}\n0\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(400, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await conn.WaitForCloseAsync(), "the server must close the connection after a framing error");
        Assert.DoesNotContain("HTTP/1.1", conn.Unconsumed);
        Assert.Equal(200, (int)(await _server.GetOnFreshConnectionAsync()).StatusCode);
    }

    [Fact]
    public async Task Request_line_far_over_the_limit_gets_414_without_waiting_for_its_end()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET /" + new string('a', 4000));
        var response = await conn.ReadResponseAsync();
        Assert.Equal(414, response.Status);
        Assert.True(await conn.WaitForCloseAsync());
        Assert.Equal(200, (int)(await _server.GetOnFreshConnectionAsync()).StatusCode);
    }

    [Fact]
    public async Task Headers_far_over_the_limit_get_431_however_much_more_the_client_sends()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n");
        var sender = Task.Run(async () =>
        {
            // Keep sending header lines well past the limit; the server answers and closes meanwhile.
            try
            {
                for (var i = 0; i < 2000; i++) await conn.SendAsync($"X-Filler-{i}: {new string('v', 100)}\r\n");
            }
            catch (System.Net.Sockets.SocketException) { }
            catch (ObjectDisposedException) { }
        });
        var response = await conn.ReadResponseAsync();
        Assert.Equal(431, response.Status);
        await sender.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, (int)(await _server.GetOnFreshConnectionAsync()).StatusCode);
    }

    [Fact]
    public async Task Too_many_header_fields_get_431()
    {
        using var conn = await _server.ConnectAsync();
        var headers = string.Concat(Enumerable.Range(0, 30).Select(i => $"X-{i}: v\r\n"));
        await conn.SendAsync($"GET / HTTP/1.1\r\nHost: t\r\n{headers}\r\n");
        Assert.Equal(431, (await conn.ReadResponseAsync()).Status);
        Assert.True(await conn.WaitForCloseAsync());
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_gets_413_as_soon_as_it_passes()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        await conn.SendAsync("200\r\n" + new string('x', 512) + "\r\n");
        await conn.SendAsync("200\r\n" + new string('x', 512) + "\r\n");
        // 1024 > 1000: refused without waiting for the last chunk.
        var response = await conn.ReadResponseAsync();
        Assert.Equal(413, response.Status);
        Assert.True(await conn.WaitForCloseAsync());
    }

    [Fact]
    public async Task Content_length_over_the_limit_gets_413_before_100_continue()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(413, response.Status);
    }

    [Fact]
    public async Task Garbage_gets_400_and_the_server_survives()
    {
        using var conn = await _server.ConnectAsync();
        var garbage = new byte[256];
        new Random(42).NextBytes(garbage);
        garbage[0] = 0x16; // a TLS ClientHello starts like this
        await conn.SendAsync(garbage);
        var response = await conn.ReadResponseAsync();
        Assert.Equal(400, response.Status);
        Assert.Equal(200, (int)(await _server.GetOnFreshConnectionAsync()).StatusCode);
    }
}
