using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

/// <summary>A streaming handler that declares Content-Length sends its body unchunked, and is held to its word.</summary>
public sealed class DeclaredLengthTests
{
    private sealed class Declared : RequestHandler
    {
        public override async Task GetAsync()
        {
            var parts = int.Parse(GetQueryArgument("parts", "3"));
            var declared = int.Parse(GetQueryArgument("declare", "15"));
            SetHeader("Content-Type", "text/plain");
            SetHeader("Content-Length", declared.ToString());
            for (var i = 0; i < parts; i++)
            {
                Write("part-");
                await FlushAsync();
            }
        }
    }

    private static Task<TestServer> Start() => TestServer.StartAsync(r => r.Map<Declared>("/d"));

    [Fact]
    public async Task Streams_a_declared_length_without_chunking_and_keeps_the_connection()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /d HTTP/1.1\r\nHost: t\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal("15", r.Header("Content-Length"));
        Assert.Null(r.Header("Transfer-Encoding"));
        Assert.Equal("part-part-part-", r.BodyText);
        await conn.SendAsync("HEAD /d HTTP/1.1\r\nHost: t\r\n\r\n");
        var head = await conn.ReadResponseAsync(headRequest: true);
        Assert.Equal("15", head.Header("Content-Length"));
        Assert.Empty(head.Body);
        await conn.SendAsync("GET /d HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("part-part-part-", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task A_body_shorter_than_declared_ends_the_connection_instead_of_leaving_the_client_waiting()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /d?parts=2&declare=15 HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.True(await conn.WaitForCloseAsync());
        Assert.Contains("part-part-", conn.Unconsumed);
    }

    [Fact]
    public async Task A_body_longer_than_declared_is_cut_off_and_the_connection_ends()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /d?parts=4&declare=15 HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.True(await conn.WaitForCloseAsync());
        Assert.DoesNotContain("part-part-part-part-", conn.Unconsumed);
        Assert.Equal(200, (int)(await server.GetOnFreshConnectionAsync("/d")).StatusCode);
    }

    [Fact]
    public async Task Large_static_files_go_out_with_their_Content_Length_for_GET_and_HEAD()
    {
        var root = Directory.CreateTempSubdirectory("hub-static-");
        try
        {
            var data = new byte[300_000];
            new Random(3).NextBytes(data);
            await File.WriteAllBytesAsync(Path.Combine(root.FullName, "big.bin"), data);
            await using var server = await TestServer.StartAsync(r => r.Map<StaticFileHandler>("/s/{*path}", name: null, args: root.FullName));
            using var conn = await server.ConnectAsync();
            await conn.SendAsync("HEAD /s/big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            var head = await conn.ReadResponseAsync(headRequest: true);
            Assert.Equal("300000", head.Header("Content-Length"));
            await conn.SendAsync("GET /s/big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            var get = await conn.ReadResponseAsync();
            Assert.Equal("300000", get.Header("Content-Length"));
            Assert.Null(get.Header("Transfer-Encoding"));
            Assert.Equal(data, get.Body);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
