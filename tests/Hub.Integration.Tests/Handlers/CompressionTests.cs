using System.IO.Compression;
using System.Net;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class CompressionTests
{
    private const string On = "hub.compression { enabled = on, min-size = 1024 }";
    private static readonly string LargeText = string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i} of a compressible text\n"));

    private sealed class Content : RequestHandler
    {
        public override Task GetAsync()
        {
            var size = int.Parse(GetArgument("size", "0"));
            SetHeader("Content-Type", GetArgument("type", "text/plain; charset=utf-8"));
            if (size > 0) Write(LargeText[..size]);
            else Write(LargeText);
            return Task.CompletedTask;
        }
    }

    private sealed class Streamed(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            SetHeader("Content-Type", "text/plain");
            Write("first flush\n");
            await FlushAsync();
            await probe.Gate("second");
            Write("second flush\n");
            await FlushAsync();
            await probe.Gate("finish");
            Write("the end\n");
        }
    }

    private static Task<TestServer> Start(Probe probe, string hocon = On) =>
        TestServer.StartAsync(r => r.Map<Content>("/content").Map<Streamed>("/stream", null, probe), hocon);

    private static async Task<RawResponse> Get(TestServer server, string path, string? acceptEncoding, string method = "GET")
    {
        using var conn = await server.ConnectAsync();
        var ae = acceptEncoding is null ? "" : $"Accept-Encoding: {acceptEncoding}\r\n";
        await conn.SendAsync($"{method} {path} HTTP/1.1\r\nHost: t\r\n{ae}\r\n");
        return await conn.ReadResponseAsync(headRequest: method == "HEAD");
    }

    private static string Decode(string coding, byte[] body)
    {
        using Stream decoder = coding == "gzip"
            ? new GZipStream(new MemoryStream(body), CompressionMode.Decompress)
            : new ZLibStream(new MemoryStream(body), CompressionMode.Decompress);
        return new StreamReader(decoder, Encoding.UTF8).ReadToEnd();
    }

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("gzip, deflate, br", "gzip")]
    [InlineData("gzip;q=0.4, deflate;q=0.8", "deflate")]
    [InlineData("br, *", "gzip")]
    public async Task Compresses_with_the_coding_the_client_prefers(string acceptEncoding, string coding)
    {
        await using var server = await Start(new Probe());
        var response = await Get(server, "/content", acceptEncoding);
        Assert.Equal(200, response.Status);
        Assert.Equal(coding, response.Header("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Header("Vary"));
        Assert.Equal(response.Body.Length.ToString(), response.Header("Content-Length"));
        Assert.True(response.Body.Length < LargeText.Length / 2);
        Assert.Equal(LargeText, Decode(coding, response.Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("br")]
    [InlineData("gzip;q=0, deflate;q=0")]
    public async Task Sends_identity_when_no_supported_coding_is_acceptable_but_still_varies(string? acceptEncoding)
    {
        await using var server = await Start(new Probe());
        var response = await Get(server, "/content", acceptEncoding);
        Assert.Null(response.Header("Content-Encoding"));
        Assert.Equal("Accept-Encoding", response.Header("Vary"));
        Assert.Equal(LargeText, response.BodyText);
    }

    [Fact]
    public async Task A_body_below_min_size_is_not_compressed()
    {
        await using var server = await Start(new Probe());
        var small = await Get(server, "/content?size=1023", "gzip");
        Assert.Null(small.Header("Content-Encoding"));
        Assert.Equal(LargeText[..1023], small.BodyText);
        var enough = await Get(server, "/content?size=1024", "gzip");
        Assert.Equal("gzip", enough.Header("Content-Encoding"));
        Assert.Equal(LargeText[..1024], Decode("gzip", enough.Body));
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    [InlineData("video/mp4")]
    public async Task A_type_not_worth_compressing_is_sent_as_is_without_Vary(string type)
    {
        await using var server = await Start(new Probe());
        var response = await Get(server, "/content?type=" + Uri.EscapeDataString(type), "gzip");
        Assert.Null(response.Header("Content-Encoding"));
        Assert.Null(response.Header("Vary"));
        Assert.Equal(LargeText, response.BodyText);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/html; charset=UTF-8")]
    [InlineData("image/svg+xml")]
    public async Task Compressible_types_are_compressed(string type)
    {
        await using var server = await Start(new Probe());
        var response = await Get(server, "/content?type=" + Uri.EscapeDataString(type), "gzip");
        Assert.Equal("gzip", response.Header("Content-Encoding"));
        Assert.Equal(LargeText, Decode("gzip", response.Body));
    }

    [Fact]
    public async Task HEAD_is_not_compressed_and_has_no_body()
    {
        await using var server = await Start(new Probe());
        var head = await Get(server, "/content", "gzip", "HEAD");
        Assert.Equal(200, head.Status);
        Assert.Null(head.Header("Content-Encoding"));
        Assert.Equal(LargeText.Length.ToString(), head.Header("Content-Length"));
        Assert.Empty(head.Body);
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var server = await Start(new Probe(), hocon: "");
        var response = await Get(server, "/content", "gzip");
        Assert.Null(response.Header("Content-Encoding"));
        Assert.Null(response.Header("Vary"));
        Assert.Equal(LargeText, response.BodyText);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_streamed_response_is_compressed_and_each_flush_decodes_as_it_arrives(string coding)
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/stream");
        request.Headers.Add("Accept-Encoding", coding);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(coding, response.Content.Headers.ContentEncoding.Single());
        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("Accept-Encoding", response.Headers.Vary.Single());

        await using var wire = await response.Content.ReadAsStreamAsync();
        await using Stream decoded = coding == "gzip"
            ? new GZipStream(wire, CompressionMode.Decompress)
            : new ZLibStream(wire, CompressionMode.Decompress);
        using var reader = new StreamReader(decoded, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        // Each line decodes while the handler is still waiting at its gate: the flush carried a complete block.
        Assert.Equal("first flush", await reader.ReadLineAsync(timeout.Token));
        probe.Open("second");
        Assert.Equal("second flush", await reader.ReadLineAsync(timeout.Token));
        probe.Open("finish");
        Assert.Equal("the end", await reader.ReadLineAsync(timeout.Token));
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
    }
}
