using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

/// <summary>
/// A served tree and a server, shared by the tests of <see cref="StaticFileTests"/>:
/// <code>
/// base/secret.txt                      never served
/// base/root/hello.txt, style.css, app.js, data.json, logo.svg, pixel.png, blob.bin, noext
/// base/root/index.html, docs/index.html, nested/deeper/file.txt
/// base/root/big.bin                    3 MiB of random bytes
/// base/root/inside-link → hello.txt    base/root/escape-link → ../secret.txt    base/root/escape-dir → ..
/// </code>
/// Routes: /static/{*path} (no default file), /site/{*path} (index.html), regex /files/(.*), /cached/{*path}.
/// </summary>
public sealed class StaticFileFixture : IAsyncLifetime
{
    public const string Secret = "TOP SECRET CONTENT 7f3a";

    public string Base { get; } = Path.Combine(Path.GetTempPath(), "hub-static-" + Guid.NewGuid().ToString("N"));
    public string Root => Path.Combine(Base, "root");
    public byte[] Big { get; } = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
    public TestServer Server { get; private set; } = null!;

    public sealed class CachedFiles(string root) : StaticFileHandler(root)
    {
        protected override TimeSpan GetCacheTime(string path) => TimeSpan.FromHours(1);
        protected override void SetExtraHeaders(string path) => SetHeader("X-Served-Path", path);
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Root, "docs"));
        Directory.CreateDirectory(Path.Combine(Root, "nested", "deeper"));
        await File.WriteAllTextAsync(Path.Combine(Base, "secret.txt"), Secret);
        await File.WriteAllTextAsync(Path.Combine(Root, "hello.txt"), "Hello, static world\n");
        await File.WriteAllTextAsync(Path.Combine(Root, "style.css"), "body { color: red }");
        await File.WriteAllTextAsync(Path.Combine(Root, "app.js"), "console.log('hi')");
        await File.WriteAllTextAsync(Path.Combine(Root, "data.json"), "{\"a\":1}");
        await File.WriteAllTextAsync(Path.Combine(Root, "logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        await File.WriteAllBytesAsync(Path.Combine(Root, "pixel.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        await File.WriteAllBytesAsync(Path.Combine(Root, "blob.bin"), [1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(Root, "noext"), "no extension");
        await File.WriteAllTextAsync(Path.Combine(Root, "index.html"), "<h1>home</h1>");
        await File.WriteAllTextAsync(Path.Combine(Root, "docs", "index.html"), "<h1>docs</h1>");
        await File.WriteAllTextAsync(Path.Combine(Root, "nested", "deeper", "file.txt"), "deep");
        await File.WriteAllBytesAsync(Path.Combine(Root, "big.bin"), Big);
        File.CreateSymbolicLink(Path.Combine(Root, "inside-link"), "hello.txt");
        File.CreateSymbolicLink(Path.Combine(Root, "escape-link"), "../secret.txt");
        Directory.CreateSymbolicLink(Path.Combine(Root, "escape-dir"), "..");
        Server = await TestServer.StartAsync(r => r
            .Map<StaticFileHandler>("/static/{*path}", args: Root)
            .Map<StaticFileHandler>("/site/{*path}", args: [Root, "index.html"])
            .Map<StaticFileHandler>(new Regex("/files/(.*)"), args: Root)
            .Map<CachedFiles>("/cached/{*path}", args: Root));
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Base, recursive: true);
    }
}

public sealed class StaticFileTests(StaticFileFixture fixture) : IClassFixture<StaticFileFixture>
{
    private TestServer Server => fixture.Server;
    private HttpClient Client => fixture.Server.Client;

    private async Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestHeaders>? headers = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        headers?.Invoke(request.Headers);
        var response = await Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Sends <paramref name="target"/> byte for byte (HttpClient would normalise dots and slashes).</summary>
    private async Task<RawResponse> RawGetAsync(string target)
    {
        using var conn = await Server.ConnectAsync();
        await conn.SendAsync($"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        return await conn.ReadResponseAsync();
    }

    [Theory]
    [InlineData("hello.txt", "text/plain; charset=utf-8")]
    [InlineData("style.css", "text/css; charset=utf-8")]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("data.json", "application/json; charset=utf-8")]
    [InlineData("logo.svg", "image/svg+xml; charset=utf-8")]
    [InlineData("index.html", "text/html; charset=utf-8")]
    [InlineData("pixel.png", "image/png")]
    [InlineData("blob.bin", "application/octet-stream")]
    [InlineData("noext", "application/octet-stream")]
    public async Task Serves_files_with_the_content_type_of_their_extension(string file, string contentType)
    {
        var raw = await RawGetAsync("/static/" + file);
        Assert.Equal(200, raw.Status);
        Assert.Equal(contentType, raw.Header("Content-Type"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(fixture.Root, file)), raw.Body);
    }

    [Fact]
    public async Task A_small_file_comes_whole_with_length_and_validators()
    {
        var raw = await RawGetAsync("/static/hello.txt");
        Assert.Equal(200, raw.Status);
        Assert.Equal("Hello, static world\n", raw.BodyText);
        Assert.Equal("20", raw.Header("Content-Length"));
        Assert.Null(raw.Header("Transfer-Encoding"));
        Assert.Matches("^\"[^\"]+\"$", raw.Header("ETag")); // strong: no W/
        var lastModified = DateTimeOffset.ParseExact(raw.Header("Last-Modified")!, "r", null);
        Assert.Equal(File.GetLastWriteTimeUtc(Path.Combine(fixture.Root, "hello.txt")), lastModified.UtcDateTime, TimeSpan.FromSeconds(1));
        Assert.Equal("bytes", raw.Header("Accept-Ranges"));
        Assert.Equal("no-cache", raw.Header("Cache-Control"));
    }

    [Fact]
    public async Task Serves_files_in_nested_directories()
    {
        var response = await GetAsync("/static/nested/deeper/file.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deep", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_regex_route_takes_the_path_from_its_first_group()
    {
        var response = await GetAsync("/files/nested/deeper/file.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deep", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_file_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/static/nope.txt")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/static/nested/nope/file.txt")).StatusCode);
    }

    [Fact]
    public async Task A_directory_is_404_without_a_default_file()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/static/docs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/static/docs/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/static/")).StatusCode);
    }

    [Fact]
    public async Task A_directory_serves_its_default_file_under_a_url_ending_in_a_slash()
    {
        var redirect = await RawGetAsync("/site/docs?x=1");
        Assert.Equal(301, redirect.Status);
        Assert.Equal("/site/docs/?x=1", redirect.Header("Location"));

        var docs = await GetAsync("/site/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("<h1>docs</h1>", await docs.Content.ReadAsStringAsync());
        Assert.Equal("text/html; charset=utf-8", docs.Content.Headers.ContentType!.ToString());

        var home = await GetAsync("/site/");
        Assert.Equal("<h1>home</h1>", await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_matching_if_none_match_is_answered_304_without_a_body()
    {
        var first = await RawGetAsync("/static/style.css");
        var etag = first.Header("ETag")!;

        using var conn = await Server.ConnectAsync();
        await conn.SendAsync($"GET /static/style.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"stale\", {etag}\r\n\r\n");
        var notModified = await conn.ReadResponseAsync();
        Assert.Equal(304, notModified.Status);
        Assert.Equal(etag, notModified.Header("ETag"));
        Assert.Empty(notModified.Body);

        // Nothing of a body followed the 304: the next response on the connection parses cleanly.
        await conn.SendAsync("GET /static/style.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: \"stale\"\r\n\r\n");
        var fresh = await conn.ReadResponseAsync();
        Assert.Equal(200, fresh.Status);
        Assert.Equal("body { color: red }", fresh.BodyText);
    }

    [Fact]
    public async Task If_modified_since_at_the_last_modification_is_answered_304()
    {
        var first = await GetAsync("/static/app.js");
        var lastModified = first.Content.Headers.LastModified!.Value;

        var notModified = await GetAsync("/static/app.js", h => h.IfModifiedSince = lastModified);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        var modified = await GetAsync("/static/app.js", h => h.IfModifiedSince = lastModified.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal("console.log('hi')", await modified.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failed_if_match_is_412()
    {
        var response = await GetAsync("/static/hello.txt", h => h.IfMatch.Add(new EntityTagHeaderValue("\"other\"")));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Theory]
    [InlineData("bytes=0-99", 0, 100)]
    [InlineData("bytes=100-", 100, 3 * 1024 * 1024 - 100)]
    [InlineData("bytes=-50", 3 * 1024 * 1024 - 50, 50)]
    [InlineData("bytes=1048576-2097151", 1048576, 1048576)]
    public async Task A_single_range_is_answered_206_with_that_slice(string range, int start, int length)
    {
        var raw = await RawGetWithAsync("/static/big.bin", $"Range: {range}");
        Assert.Equal(206, raw.Status);
        Assert.Equal($"bytes {start}-{start + length - 1}/{fixture.Big.Length}", raw.Header("Content-Range"));
        Assert.Equal("application/octet-stream", raw.Header("Content-Type"));
        Assert.Equal(fixture.Big.AsSpan(start, length).ToArray(), raw.Body);
    }

    [Fact]
    public async Task HttpClient_reads_a_range_like_any_client()
    {
        var response = await GetAsync("/static/hello.txt", h => h.Range = new RangeHeaderValue(7, 12));
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("static", await response.Content.ReadAsStringAsync());
        Assert.Equal(20, response.Content.Headers.ContentRange!.Length);
    }

    [Theory]
    [InlineData("bytes=3145728-")]
    [InlineData("bytes=9999999-10000000")]
    [InlineData("bytes=-0")]
    public async Task An_unsatisfiable_range_is_416_naming_the_length(string range)
    {
        var raw = await RawGetWithAsync("/static/big.bin", $"Range: {range}");
        Assert.Equal(416, raw.Status);
        Assert.Equal($"bytes */{fixture.Big.Length}", raw.Header("Content-Range"));
    }

    [Fact]
    public async Task Several_ranges_are_answered_with_the_whole_file()
    {
        var raw = await RawGetWithAsync("/static/hello.txt", "Range: bytes=0-1,5-6");
        Assert.Equal(200, raw.Status);
        Assert.Equal("Hello, static world\n", raw.BodyText);
    }

    [Fact]
    public async Task A_stale_if_range_gets_the_whole_file_instead_of_the_range()
    {
        var raw = await RawGetWithAsync("/static/hello.txt", "Range: bytes=0-4\r\nIf-Range: \"stale\"");
        Assert.Equal(200, raw.Status);
        Assert.Equal("Hello, static world\n", raw.BodyText);

        var etag = (await RawGetAsync("/static/hello.txt")).Header("ETag");
        var current = await RawGetWithAsync("/static/hello.txt", $"Range: bytes=0-4\r\nIf-Range: {etag}");
        Assert.Equal(206, current.Status);
        Assert.Equal("Hello", current.BodyText);
    }

    [Fact]
    public async Task Head_describes_the_get_without_sending_a_body()
    {
        using var conn = await Server.ConnectAsync();
        await conn.SendAsync("HEAD /static/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
        var head = await conn.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("20", head.Header("Content-Length"));
        Assert.Equal("text/plain; charset=utf-8", head.Header("Content-Type"));
        Assert.NotNull(head.Header("ETag"));

        await conn.SendAsync("HEAD /static/big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=0-9\r\n\r\n");
        var bigHead = await conn.ReadResponseAsync(headRequest: true);
        Assert.Equal(200, bigHead.Status); // HEAD ignores Range (RFC 9110 §14.2)
        Assert.Equal("application/octet-stream", bigHead.Header("Content-Type"));

        // Had any body bytes followed either HEAD, this response would not parse.
        await conn.SendAsync("GET /static/blob.bin HTTP/1.1\r\nHost: t\r\n\r\n");
        var get = await conn.ReadResponseAsync();
        Assert.Equal(200, get.Status);
        Assert.Equal(new byte[] { 1, 2, 3 }, get.Body);
    }

    [Fact]
    public async Task A_large_file_arrives_intact()
    {
        var response = await Client.GetAsync("/static/big.bin", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var hash = await SHA256.HashDataAsync(body);
        Assert.Equal(SHA256.HashData(fixture.Big), hash);
    }

    [Fact]
    public async Task Two_large_downloads_on_one_connection_arrive_intact_in_order()
    {
        using var conn = await Server.ConnectAsync();
        await conn.SendAsync("GET /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\nGET /static/big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=-70000\r\n\r\n");
        var whole = await conn.ReadResponseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, whole.Status);
        Assert.Equal(SHA256.HashData(fixture.Big), SHA256.HashData(whole.Body));
        var tail = await conn.ReadResponseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(206, tail.Status);
        Assert.Equal(fixture.Big.AsSpan(fixture.Big.Length - 70000).ToArray(), tail.Body);
    }

    [Theory]
    [InlineData("/static/../secret.txt")]
    [InlineData("/static/nested/../../secret.txt")]
    [InlineData("/static/%2e%2e/secret.txt")]
    [InlineData("/static/%2E%2E/secret.txt")]
    [InlineData("/static/%2e%2e%2fsecret.txt")]
    [InlineData("/static/..%2fsecret.txt")]
    [InlineData("/static/..%2Fsecret.txt")]
    [InlineData("/static/nested%2f..%2f..%2fsecret.txt")]
    [InlineData("/static/..%5csecret.txt")]
    [InlineData("/static/..\\secret.txt")]
    [InlineData("/static/%5c..%5csecret.txt")]
    [InlineData("/static//etc/passwd")]
    [InlineData("/static/%2fetc%2fpasswd")]
    [InlineData("/static/%2Fetc/passwd")]
    [InlineData("/static/hello.txt%00.png")]
    [InlineData("/static/escape-link")]
    [InlineData("/static/escape-dir/secret.txt")]
    [InlineData("/files/../secret.txt")]
    [InlineData("/files/%2e%2e%2fsecret.txt")]
    [InlineData("/site/..%2f")]
    public async Task Traversal_attempts_are_refused_and_never_leak_a_file_outside_the_root(string target)
    {
        var raw = await RawGetAsync(target);
        Assert.True(raw.Status is 403 or 404, $"{target} → {raw.StatusLine}");
        Assert.DoesNotContain(StaticFileFixture.Secret, raw.BodyText);
        Assert.DoesNotContain("root:", raw.BodyText);
    }

    [Fact]
    public async Task A_link_that_stays_inside_the_root_is_served()
    {
        var response = await GetAsync("/static/inside-link");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, static world\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_encoded_slash_inside_the_root_is_just_a_slash()
    {
        var raw = await RawGetAsync("/static/nested%2fdeeper%2ffile.txt");
        Assert.Equal(200, raw.Status);
        Assert.Equal("deep", raw.BodyText);
    }

    [Fact]
    public async Task A_versioned_url_may_be_cached_for_a_year_as_immutable()
    {
        var raw = await RawGetAsync("/static/app.js?v=abc123");
        Assert.Equal("public, max-age=31536000, immutable", raw.Header("Cache-Control"));
        Assert.Equal("no-cache", (await RawGetAsync("/static/app.js")).Header("Cache-Control"));
    }

    [Fact]
    public async Task A_subclass_sets_cache_time_and_extra_headers()
    {
        var raw = await RawGetAsync("/cached/nested/deeper/file.txt");
        Assert.Equal(200, raw.Status);
        Assert.Equal("public, max-age=3600", raw.Header("Cache-Control"));
        Assert.Equal("nested/deeper/file.txt", raw.Header("X-Served-Path"));
    }

    [Fact]
    public async Task Only_get_and_head_are_allowed()
    {
        var response = await Client.PostAsync("/static/hello.txt", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD, OPTIONS", string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task A_client_that_leaves_mid_download_does_not_disturb_the_server()
    {
        using (var conn = await Server.ConnectAsync())
        {
            await conn.SendAsync("GET /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            var buffer = new byte[1024];
            await conn.Socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None);
        }
        var response = await Server.GetOnFreshConnectionAsync("/static/hello.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_compression_on_text_is_gzipped_and_ranges_are_not()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<StaticFileHandler>("/static/{*path}", args: fixture.Root),
            hocon: "hub.compression { enabled = on, min-size = 0 }");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /static/style.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\n\r\n");
        var whole = await conn.ReadResponseAsync();
        Assert.Equal("gzip", whole.Header("Content-Encoding"));
        using (var gunzip = new System.IO.Compression.GZipStream(new MemoryStream(whole.Body), System.IO.Compression.CompressionMode.Decompress))
        using (var text = new StreamReader(gunzip))
            Assert.Equal("body { color: red }", await text.ReadToEndAsync());

        await conn.SendAsync("GET /static/style.css HTTP/1.1\r\nHost: t\r\nAccept-Encoding: gzip\r\nRange: bytes=0-3\r\n\r\n");
        var range = await conn.ReadResponseAsync();
        Assert.Equal(206, range.Status);
        Assert.Null(range.Header("Content-Encoding"));
        Assert.Equal("body", range.BodyText);
    }

    [Fact]
    public async Task A_slow_reader_gets_the_whole_file_even_when_the_connection_closes_after_it()
    {
        using var conn = await Server.ConnectAsync();
        await conn.SendAsync("GET /static/big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        // The response is fully handed to the kernel and the server has half-closed long before this client reads;
        // the server must wait for it (linger) rather than reset the connection and destroy the queued bytes.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var whole = await conn.ReadResponseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(SHA256.HashData(fixture.Big), SHA256.HashData(whole.Body));
    }

    /// <summary>
    /// One request on a fresh keep-alive connection.
    /// </summary>
    private async Task<RawResponse> RawGetWithAsync(string target, string headers)
    {
        using var conn = await Server.ConnectAsync();
        await conn.SendAsync($"GET {target} HTTP/1.1\r\nHost: t\r\n{headers}\r\n\r\n");
        return await conn.ReadResponseAsync(TimeSpan.FromSeconds(30));
    }
}
