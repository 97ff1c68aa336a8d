using System.Net;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class StreamingResponseTests
{
    /// <summary>Writes "part 0".."part N-1", flushing each, waiting at a gate between parts.</summary>
    private sealed class Streams(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            SetHeader("Content-Type", "text/plain");
            var count = int.Parse(GetArgument("count", "3"));
            for (var i = 0; i < count; i++)
            {
                if (i > 0) await probe.Gate($"part {i}");
                Write($"part {i}\n");
                await FlushAsync();
                probe.Record($"flushed {i}");
            }
        }
    }

    /// <summary>Flushes many times without awaiting, then finishes: order must be kept.</summary>
    private sealed class Unawaited : RequestHandler
    {
        public override Task GetAsync()
        {
            for (var i = 0; i < 50; i++)
            {
                Write($"{i},");
                _ = FlushAsync();
            }
            Write("end");
            return Task.CompletedTask;
        }
    }

    private sealed class Big : RequestHandler
    {
        public override async Task GetAsync()
        {
            var line = Encoding.ASCII.GetBytes(new string('x', 1023) + "\n");
            for (var i = 0; i < 4096; i++) // 4 MiB, flushed every 64 KiB: paced by the client's reading
            {
                Write(line);
                if (i % 64 == 63) await FlushAsync();
            }
        }
    }

    private static Task<TestServer> Start(Probe probe) => TestServer.StartAsync(r => r
        .Map<Streams>("/stream", null, probe)
        .Map<Unawaited>("/unawaited")
        .Map<Big>("/big"));

    [Fact]
    public async Task FlushAsync_sends_headers_and_each_part_as_a_chunk_before_the_handler_finishes()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /stream?count=3 HTTP/1.1\r\nHost: t\r\n\r\n");
        var text = new SocketText(conn.Socket);

        var first = await text.ReadUntilAsync("part 0\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", first);
        Assert.Contains("\r\nTransfer-Encoding: chunked\r\n", first);
        Assert.DoesNotContain("Content-Length", first);
        Assert.EndsWith("\r\n\r\n7\r\npart 0\n\r\n", first);
        await probe.WaitFor("flushed 0");
        Assert.False(probe.Happened("flushed 1"));

        probe.Open("part 1");
        Assert.EndsWith("7\r\npart 1\n\r\n", await text.ReadUntilAsync("part 1\n\r\n"));
        probe.Open("part 2");
        var all = await text.ReadUntilAsync("\r\n0\r\n\r\n");
        Assert.EndsWith("7\r\npart 2\n\r\n0\r\n\r\n", all);

        // Still a keep-alive connection.
        await conn.SendAsync("GET /stream?count=1 HTTP/1.1\r\nHost: t\r\n\r\n");
        var second = (await text.ReadUntilAsync("7\r\npart 0\n\r\n0\r\n\r\n"))[all.Length..];
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", second);
    }

    [Fact]
    public async Task To_an_HTTP_1_0_client_a_streamed_body_is_not_chunked_but_ends_with_the_connection()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /stream?count=2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var text = new SocketText(conn.Socket);
        var first = await text.ReadUntilAsync("part 0\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", first);
        Assert.DoesNotContain("Transfer-Encoding", first);
        Assert.DoesNotContain("Content-Length", first);
        Assert.Contains("\r\nConnection: close\r\n", first);
        Assert.EndsWith("\r\n\r\npart 0\n", first);
        probe.Open("part 1");
        var all = await text.ReadToEndAsync();
        Assert.EndsWith("\r\n\r\npart 0\npart 1\n", all);
    }

    [Fact]
    public async Task Unawaited_flushes_and_the_final_write_arrive_in_order()
    {
        await using var server = await Start(new Probe());
        var body = await server.Client.GetStringAsync("/unawaited");
        Assert.Equal(string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},")) + "end", body);
    }

    [Fact]
    public async Task A_large_streamed_body_arrives_whole_to_a_slow_reader()
    {
        await using var server = await Start(new Probe());
        using var response = await server.Client.GetAsync("/big", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[8192];
        long total = 0;
        var reads = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            Assert.True(buffer.AsSpan(0, n).IndexOfAnyExcept((byte)'x', (byte)'\n') < 0);
            total += n;
            if (++reads % 64 == 0) await Task.Delay(1); // a reader slower than the writer
        }
        Assert.Equal(4L * 1024 * 1024, total);
    }

    [Fact]
    public async Task HEAD_of_a_streamed_GET_sends_the_headers_only_and_keeps_the_connection_in_sync()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        probe.Open("part 1");
        probe.Open("part 2");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("HEAD /stream?count=3 HTTP/1.1\r\nHost: t\r\n\r\n");
        var head = await conn.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, head.Status);
        Assert.Empty(head.Body);
        await probe.WaitFor("flushed 2");
        await conn.SendAsync("GET /unawaited HTTP/1.1\r\nHost: t\r\n\r\n");
        var next = await conn.ReadResponseAsync();
        Assert.Equal(200, next.Status);
        Assert.EndsWith("49,end", next.BodyText);
        Assert.Equal("", conn.Unconsumed);
    }

    [Fact]
    public async Task An_empty_flush_sends_the_headers_and_the_body_follows_later()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EmptyFlush>("/"));
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal("chunked", response.Header("Transfer-Encoding"));
        Assert.Equal("after", response.BodyText);
    }

    private sealed class EmptyFlush : RequestHandler
    {
        public override async Task GetAsync()
        {
            await FlushAsync();
            Write("after");
        }
    }
}
