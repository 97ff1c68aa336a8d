using System.Net.Sockets;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Http;

/// <summary>RFC 9112 connection management and message framing, over raw sockets.</summary>
public sealed class ConnectionSemanticsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private sealed class Echo : RequestHandler
    {
        public override Task GetAsync()
        {
            Write($"{Request.Method} {Request.Path} ?{Request.Query} q={GetQueryArgument("q", "")} host={Request.Host} v={Request.Version}");
            return Task.CompletedTask;
        }

        public override Task PostAsync()
        {
            Write($"body={Encoding.UTF8.GetString(Request.Body.Span)} x={Request.Headers.GetCombined("x-repeated")}");
            return Task.CompletedTask;
        }
    }

    private sealed class Streamer : RequestHandler
    {
        public override async Task GetAsync()
        {
            for (var i = 0; i < 3; i++)
            {
                Write($"part {i}\n");
                await FlushAsync();
            }
        }
    }

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(r => r
        .Map<Streamer>("/stream")
        .Map<Echo>("/{*path}"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Keeps_HTTP11_connections_alive_by_default()
    {
        using var conn = await _server.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await conn.SendAsync("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
            var r = await conn.ReadResponseAsync();
            Assert.Equal(200, r.Status);
            Assert.Null(r.Header("Connection"));
        }
    }

    [Theory]
    [InlineData("Connection: close\r\n")]
    [InlineData("Connection: keep-alive, close\r\n")]
    [InlineData("Connection: keep-alive\r\nConnection: close\r\n")]
    [InlineData("connection: CLOSE\r\n")]
    public async Task Closes_after_the_response_when_the_client_says_close(string header)
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync($"GET /a HTTP/1.1\r\nHost: t\r\n{header}\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(200, r.Status);
        Assert.Equal("close", r.Header("Connection"));
        Assert.True(await conn.WaitForCloseAsync());
    }

    [Fact]
    public async Task Closes_HTTP10_connections_unless_keep_alive_is_asked()
    {
        using (var conn = await _server.ConnectAsync())
        {
            await conn.SendAsync("GET /a HTTP/1.0\r\n\r\n");
            var r = await conn.ReadResponseAsync();
            Assert.Equal(200, r.Status);
            Assert.StartsWith("HTTP/1.1 200", r.StatusLine);
            Assert.Contains("v=HTTP/1.0", r.BodyText);
            Assert.True(await conn.WaitForCloseAsync());
        }
        using (var conn = await _server.ConnectAsync())
        {
            await conn.SendAsync("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            var r = await conn.ReadResponseAsync();
            Assert.Equal("keep-alive", r.Header("Connection"));
            await conn.SendAsync("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            Assert.Contains("/b", (await conn.ReadResponseAsync()).BodyText);
        }
    }

    [Fact]
    public async Task Never_sends_chunked_to_HTTP10_and_delimits_a_stream_by_closing()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Null(r.Header("Transfer-Encoding"));
        Assert.Null(r.Header("Content-Length"));
        Assert.Equal("close", r.Header("Connection"));
        Assert.Equal("part 0\npart 1\npart 2\n", r.BodyText);
    }

    [Fact]
    public async Task Streams_chunked_to_HTTP11()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal("chunked", r.Header("Transfer-Encoding"));
        Assert.Equal("part 0\npart 1\npart 2\n", r.BodyText);
        await conn.SendAsync("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Serves_HTTP1x_with_higher_minor_as_HTTP11()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET /a HTTP/1.7\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(200, r.Status);
        Assert.Contains("v=HTTP/1.1", r.BodyText);
    }

    [Fact]
    public async Task Ignores_empty_lines_before_the_request_line()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("\r\n\r\nGET /a HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(200, (await conn.ReadResponseAsync()).Status);
    }

    [Fact]
    public async Task Answers_pipelined_requests_in_order_even_when_sent_in_one_packet()
    {
        using var conn = await _server.ConnectAsync();
        var sb = new StringBuilder();
        for (var i = 0; i < 20; i++) sb.Append($"GET /p{i} HTTP/1.1\r\nHost: t\r\n\r\n");
        await conn.SendAsync(sb.ToString());
        for (var i = 0; i < 20; i++) Assert.Contains($"/p{i} ", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Answers_HEAD_with_headers_and_no_body()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("HEAD /abc HTTP/1.1\r\nHost: t\r\n\r\nGET /abc HTTP/1.1\r\nHost: t\r\n\r\n");
        var head = await conn.ReadResponseAsync(headRequest: true);
        var get = await conn.ReadResponseAsync();
        Assert.Equal(200, head.Status);
        // The echo body names the method, so HEAD's would be one byte longer than GET's.
        Assert.Equal(Encoding.UTF8.GetByteCount(get.BodyText.Replace("GET", "HEAD")), int.Parse(head.Header("Content-Length")!));
        Assert.Empty(head.Body);
        Assert.Equal(200, get.Status);
    }

    [Fact]
    public async Task Reads_chunked_request_bodies_with_extensions_and_trailers()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                             "5;ext=1;quoted=\"a b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: done\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(200, r.Status);
        Assert.StartsWith("body=hello world", r.BodyText);
        await conn.SendAsync("GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Contains("/after", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Sends_100_continue_before_reading_the_body()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("POST /c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        var interim = await conn.ReadResponseAsync();
        Assert.Equal(100, interim.Status);
        await conn.SendAsync("hello");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(200, r.Status);
        Assert.StartsWith("body=hello", r.BodyText);
    }

    [Fact]
    public async Task Accepts_absolute_form_targets_and_takes_the_host_from_them()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET http://example.com:8080/abs?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(200, r.Status);
        Assert.Contains("GET /abs ?q=1", r.BodyText);
        Assert.Contains("host=example.com:8080", r.BodyText);
    }

    [Fact]
    public async Task Treats_header_names_case_insensitively_and_joins_repeated_headers()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("POST /c HTTP/1.1\r\nhOsT: t\r\ncontent-LENGTH: 2\r\nX-Repeated: a\r\nx-repeated: b\r\n\r\nhi");
        var r = await conn.ReadResponseAsync();
        Assert.Equal("body=hi x=a, b", r.BodyText);
    }

    [Fact]
    public async Task Percent_decodes_path_and_query()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET /caf%C3%A9/a%20b?q=x%26y+z HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Contains("GET /café/a b ", r.BodyText);
        Assert.Contains("q=x&y z", r.BodyText);
    }

    [Fact]
    public async Task Still_answers_a_client_that_half_closes_after_its_request()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("GET /half HTTP/1.1\r\nHost: t\r\n\r\n");
        conn.Socket.Shutdown(SocketShutdown.Send);
        var r = await conn.ReadResponseAsync();
        Assert.Equal(200, r.Status);
        Assert.True(await conn.WaitForCloseAsync());
    }

    [Fact]
    public async Task Survives_a_client_that_resets_mid_request()
    {
        using (var conn = await _server.ConnectAsync())
        {
            await conn.SendAsync("POST /c HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc");
            conn.Socket.LingerState = new LingerOption(true, 0);
        }
        Assert.Equal(200, (int)(await _server.GetOnFreshConnectionAsync()).StatusCode);
    }

    [Fact]
    public async Task Answers_OPTIONS_asterisk_about_the_server()
    {
        using var conn = await _server.ConnectAsync();
        await conn.SendAsync("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(204, r.Status);
        Assert.Contains("GET", r.Header("Allow"));
    }
}
