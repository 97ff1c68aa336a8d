using System.Net;

namespace Hub.Integration.Tests.Host.DemoApp;

public sealed class StreamHandlerTests
{
    [Fact]
    public async Task Sends_each_update_as_its_own_chunk_then_the_last_chunk()
    {
        await using var host = await DemoHost.StartAsync();
        using var conn = await host.ConnectAsync();
        await conn.SendAsync("GET /stream?count=3&interval=0.1 HTTP/1.1\r\nHost: t\r\n\r\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var reader = new ChunkReader(conn.Socket);
        var head = await reader.ReadHeadAsync(cts.Token);
        Assert.Equal("HTTP/1.1 200 OK", head[0]);
        Assert.Contains(head, h => h.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(head, h => h.StartsWith("Content-Type: text/plain", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(head, h => h.StartsWith("Content-Length", StringComparison.OrdinalIgnoreCase));
        var chunks = new List<string>();
        while (await reader.ReadChunkAsync(cts.Token) is { Length: > 0 } chunk) chunks.Add(chunk);
        Assert.Equal(["Update 0\n", "Update 1\n", "Update 2\n"], chunks);
    }

    [Fact]
    public async Task The_first_update_arrives_long_before_the_stream_ends()
    {
        await using var host = await DemoHost.StartAsync();
        using var conn = await host.ConnectAsync();
        // The second update is five minutes away: only a flush per line gets the first one out now.
        await conn.SendAsync("GET /stream?count=2&interval=300 HTTP/1.1\r\nHost: t\r\n\r\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var reader = new ChunkReader(conn.Socket);
        Assert.Equal("HTTP/1.1 200 OK", (await reader.ReadHeadAsync(cts.Token))[0]);
        Assert.Equal("Update 0\n", await reader.ReadChunkAsync(cts.Token));
    }

    [Fact]
    public async Task Defaults_are_five_updates()
    {
        await using var host = await DemoHost.StartAsync();
        var body = await host.Client.GetStringAsync("/stream");
        Assert.Equal(string.Concat(Enumerable.Range(0, 5).Select(i => $"Update {i}\n")), body);
    }

    [Fact]
    public async Task Zero_count_is_an_empty_200()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/stream?count=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("count=-1")]
    [InlineData("count=abc")]
    [InlineData("count=10001")]
    [InlineData("count=1.5")]
    [InlineData("interval=-1")]
    [InlineData("interval=301")]
    [InlineData("interval=x")]
    public async Task Out_of_range_or_malformed_arguments_are_400(string query)
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/stream?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_client_leaving_mid_stream_leaves_the_server_serving()
    {
        await using var host = await DemoHost.StartAsync();
        using (var conn = await host.ConnectAsync())
        {
            await conn.SendAsync("GET /stream?count=100&interval=0.05 HTTP/1.1\r\nHost: t\r\n\r\n");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var reader = new ChunkReader(conn.Socket);
            await reader.ReadHeadAsync(cts.Token);
            Assert.Equal("Update 0\n", await reader.ReadChunkAsync(cts.Token));
        }
        var response = await host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_stream_outliving_the_idle_timeout_is_not_cut()
    {
        await using var host = await DemoHost.StartAsync(idleTimeout: TimeSpan.FromSeconds(1));
        var body = await host.Client.GetStringAsync("/stream?count=2&interval=2");
        Assert.Equal("Update 0\nUpdate 1\n", body);
    }
}
