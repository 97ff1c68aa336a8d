using System.Net.Sockets;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class StreamingRequestBodyTests
{
    [StreamRequestBody]
    private sealed class Upload(Probe probe) : RequestHandler
    {
        private long _total;

        public override Task PrepareAsync()
        {
            probe.Record("prepare", Request.Body.Length.ToString());
            return Task.CompletedTask;
        }

        public override Task DataReceivedAsync(ReadOnlyMemory<byte> chunk)
        {
            _total += chunk.Length;
            probe.Record("slice", Encoding.ASCII.GetString(chunk.Span));
            return Task.CompletedTask;
        }

        public override Task PostAsync()
        {
            probe.Record("post", _total.ToString());
            Write($"received {_total} bytes, buffered {Request.Body.Length}");
            return Task.CompletedTask;
        }

        public override Task PutAsync() => PostAsync();
    }

    /// <summary>Counts bytes; the first slice waits at a gate, as a slow consumer (disk, upstream) would.</summary>
    [StreamRequestBody]
    private sealed class SlowUpload(Probe probe) : RequestHandler
    {
        private long _total;
        private int _slices;
        private int _inside;

        public override async Task DataReceivedAsync(ReadOnlyMemory<byte> chunk)
        {
            if (Interlocked.Increment(ref _inside) > 1) probe.Record("overlapping calls");
            try
            {
                if (chunk.Length > Settings.Http.BodyChunkSize) probe.Record("slice over body-chunk-size", chunk.Length.ToString());
                _total += chunk.Length;
                if (++_slices == 1)
                {
                    probe.Record("first slice");
                    await probe.Gate("consume");
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }

        public override Task PostAsync()
        {
            probe.Record("done", _total.ToString());
            Write(_total.ToString());
            return Task.CompletedTask;
        }

        public long Total => _total;
    }

    /// <summary>Rejects the upload on its first slice, as a handler checking a file header would.</summary>
    [StreamRequestBody]
    private sealed class Picky(Probe probe) : RequestHandler
    {
        public override Task DataReceivedAsync(ReadOnlyMemory<byte> chunk)
        {
            probe.Record("slice", chunk.Length.ToString());
            throw new HttpError(415);
        }

        public override Task PostAsync()
        {
            probe.Record("post");
            return Task.CompletedTask;
        }
    }

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync() { Write("hello"); return Task.CompletedTask; }
    }

    private static Task<TestServer> Start(Probe probe, string hocon = "") => TestServer.StartAsync(r => r
        .Map<Upload>("/upload", null, probe)
        .Map<Picky>("/picky", null, probe)
        .Map<Hello>("/")
        .Map<SlowUpload>("/slow", null, probe), hocon);

    [Fact]
    public async Task Content_length_body_slices_reach_the_handler_as_they_arrive()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhello");
        Assert.Equal("prepare:0", await probe.NextAsync());
        Assert.Equal("slice:hello", await probe.NextAsync());
        await conn.SendAsync("wor");
        Assert.Equal("slice:wor", await probe.NextAsync());
        await conn.SendAsync("ld");
        Assert.Equal("slice:ld", await probe.NextAsync());
        Assert.Equal("post:10", await probe.NextAsync());
        var response = await conn.ReadResponseAsync();
        Assert.Equal("received 10 bytes, buffered 0", response.BodyText);
    }

    [Fact]
    public async Task Chunked_body_slices_reach_the_handler_as_they_arrive_and_the_connection_is_reused()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("PUT /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        Assert.Equal("prepare:0", await probe.NextAsync());
        Assert.Equal("slice:hello", await probe.NextAsync());
        await conn.SendAsync("6;ext=x\r\n world\r\n");
        Assert.Equal("slice: world", await probe.NextAsync());
        await conn.SendAsync("0\r\n\r\n");
        Assert.Equal("post:11", await probe.NextAsync());
        Assert.Equal("received 11 bytes, buffered 0", (await conn.ReadResponseAsync()).BodyText);

        await conn.SendAsync("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok");
        Assert.Equal("received 2 bytes, buffered 0", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_slow_DataReceivedAsync_stops_the_server_reading_the_upload_until_it_catches_up()
    {
        const int size = 64 * 1024 * 1024;
        var probe = new Probe();
        await using var server = await Start(probe, "hub.http.max-request-body-size = 128m");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync($"POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: {size}\r\n\r\n");
        long sent = 0;
        var payload = new byte[size];
        Array.Fill(payload, (byte)'u');
        var sending = Task.Run(async () =>
        {
            var offset = 0;
            while (offset < size)
            {
                offset += await conn.Socket.SendAsync(payload.AsMemory(offset, Math.Min(256 * 1024, size - offset)), SocketFlags.None);
                Interlocked.Exchange(ref sent, offset);
            }
        });
        await probe.WaitFor("first slice");

        // The handler is stuck on its first slice: the upload must stall once the socket buffers are full.
        long before;
        var stalledFor = 0;
        for (var i = 0; i < 150 && stalledFor < 5; i++)
        {
            before = Interlocked.Read(ref sent);
            await Task.Delay(200);
            stalledFor = Interlocked.Read(ref sent) == before ? stalledFor + 1 : 0;
        }
        Assert.True(stalledFor >= 5, "the upload never stalled");
        Assert.True(Interlocked.Read(ref sent) < size / 2, $"{Interlocked.Read(ref sent)} of {size} bytes were taken while the handler was stuck");
        Assert.False(sending.IsCompleted);

        probe.Open("consume");
        await sending.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(size.ToString(), await probe.WaitFor("done", TimeSpan.FromSeconds(60)));
        Assert.Equal(size.ToString(), (await conn.ReadResponseAsync(TimeSpan.FromSeconds(30))).BodyText);
        Assert.False(probe.Happened("overlapping calls"));
        Assert.False(probe.Happened("slice over body-chunk-size"));
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_anything_is_read()
    {
        var probe = new Probe();
        await using var server = await Start(probe, "hub.http.max-request-body-size = 1k");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(413, response.Status);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await conn.WaitForCloseAsync());
        Assert.Empty(probe.Events);
    }

    [Fact]
    public async Task A_chunked_body_growing_past_the_limit_is_413()
    {
        var probe = new Probe();
        await using var server = await Start(probe, "hub.http.max-request-body-size = 1k");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n" + new string('a', 600) + "\r\n");
        Assert.Equal("prepare:0", await probe.NextAsync());
        Assert.Equal("slice:" + new string('a', 600), await probe.NextAsync());
        await conn.SendAsync("258\r\n" + new string('b', 600) + "\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(413, response.Status);
        Assert.True(await conn.WaitForCloseAsync());
        Assert.DoesNotContain(probe.Events, e => e.StartsWith("post", StringComparison.Ordinal));
        // The server goes on serving others.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.GetOnFreshConnectionAsync("/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task An_HttpError_from_DataReceivedAsync_answers_at_once_and_the_rest_of_the_body_is_skipped()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /picky HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhello");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(415, response.Status);
        await conn.SendAsync("world");
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("hello", (await conn.ReadResponseAsync()).BodyText);
        Assert.Equal(["slice:5"], probe.Events);
    }
}
