using Hub.Core.Tests.TestKit;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>Valid requests (RFC 9112 §2–§7): what the reader makes of them, whole and at every split point.</summary>
public sealed class Http1RequestReaderTests
{
    private const string SimpleGet = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";

    private const string BrowserGet =
        "GET /search?q=hub+server&lang=en HTTP/1.1\r\n" +
        "Host: www.example.com\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
        "Accept-Language: en-US,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br\r\n" +
        "Connection: keep-alive\r\n" +
        "Cookie: session=abc123; theme=dark\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "\r\n";

    private const string LeadingEmptyLines = "\r\n\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
    private const string BareLineFeeds = "GET /x HTTP/1.1\nHost: a\nX-A: b\n\n";
    private const string Http10 = "GET / HTTP/1.0\r\n\r\n";
    private const string Http10KeepAlive = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
    private const string Http12 = "GET / HTTP/1.2\r\nHost: a\r\n\r\n";
    private const string AbsoluteForm = "GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: ignored.example\r\n\r\n";
    private const string AbsoluteFormNoPath = "GET https://example.com?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n";
    private const string OptionsAsterisk = "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n";
    private const string ConnectionList = "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n";
    private const string ConnectionRepeated = "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n";
    private const string PostWithBody = "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world";
    private const string ChunkedWithExtensionsAndTrailers =
        "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" +
        "5;name=value\r\nhello\r\n" +
        "1 ; q=\"a;b\\\"c\"\r\n \r\n" +
        "5\r\nworld\r\n" +
        "0;last\r\nChecksum: abc\r\nX-Trailer: 1\r\n\r\n";
    private const string ExpectContinue = "PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc";
    private const string MixedCaseNames = "GET / HTTP/1.1\r\nhOsT: a\r\ncontent-LENGTH: 3\r\nCONNECTION: CLOSE\r\n\r\nabc";
    private const string RepeatedHeaders = "GET / HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\nAccept: */*\r\nX-Empty:\r\n\r\n";
    private const string IdenticalContentLengths = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nabcde";
    private const string WebSocketUpgrade =
        "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n";
    private const string Pipelined =
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi" +
        "\r\nGET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    [Theory]
    [MemberData(nameof(Requests.SplitEverywhere), SimpleGet, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), BrowserGet, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), LeadingEmptyLines, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), BareLineFeeds, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), Http10, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), Http10KeepAlive, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), Http12, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), AbsoluteForm, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), AbsoluteFormNoPath, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), OptionsAsterisk, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), ConnectionList, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), ConnectionRepeated, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), PostWithBody, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), ChunkedWithExtensionsAndTrailers, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), ExpectContinue, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), MixedCaseNames, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), RepeatedHeaders, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), IdenticalContentLengths, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), WebSocketUpgrade, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), Pipelined, MemberType = typeof(Requests))]
    public void Reads_the_same_requests_however_the_bytes_are_split(Chunks chunks)
    {
        using var whole = DecoderDriver.Run(TestSettings.Default, [chunks.Whole]);
        using var split = DecoderDriver.Run(TestSettings.Default, chunks);

        Assert.Null(whole.Rejection);
        Assert.Null(split.Rejection);
        Assert.NotEmpty(whole.Requests);
        Assert.Equal(whole.Requests.Count, split.Requests.Count);
        for (var i = 0; i < whole.Requests.Count; i++)
        {
            Assert.Equal(HeadText.Of(whole.Requests[i].Head), HeadText.Of(split.Requests[i].Head));
            Assert.Equal(whole.Requests[i].Body, split.Requests[i].Body);
            Assert.True(split.Requests[i].Complete);
        }
        Assert.Equal(0, split.Buffered);
    }

    [Fact]
    public void Reads_a_browser_get()
    {
        var r = ReadOne(BrowserGet);
        Assert.Same(KnownMethods.Get, r.Head.Method);
        Assert.Equal("/search?q=hub+server&lang=en", r.Head.Target);
        Assert.Equal("/search", r.Head.RawPath);
        Assert.Equal("q=hub+server&lang=en", r.Head.RawQuery);
        Assert.Equal(HttpVersion.Http11, r.Head.Version);
        Assert.Equal("www.example.com", r.Head.Host);
        Assert.Equal(8, r.Head.Headers.Count);
        Assert.Equal("gzip, deflate, br", r.Head.Headers["accept-encoding"]);
        Assert.Equal("session=abc123; theme=dark", r.Head.Headers[KnownHeaders.Cookie]);
        Assert.Equal(BodyFraming.None, r.Head.Framing);
        Assert.False(r.Head.HasBody);
        Assert.True(r.Head.KeepAlive);
        Assert.False(r.Head.ExpectContinue);
        Assert.False(r.Head.IsUpgrade);
    }

    [Fact]
    public void Ignores_empty_lines_before_the_request_line()
    {
        var r = ReadOne(LeadingEmptyLines);
        Assert.Equal("/", r.Head.Target);
        Assert.Equal("a", r.Head.Host);
    }

    [Fact]
    public void Accepts_bare_LF_line_endings()
    {
        var r = ReadOne(BareLineFeeds);
        Assert.Equal("/x", r.Head.RawPath);
        Assert.Equal("b", r.Head.Headers["X-A"]);
    }

    [Fact]
    public void Accepts_HTTP_1_0_without_Host_and_closes_by_default()
    {
        var r = ReadOne(Http10);
        Assert.Equal(HttpVersion.Http10, r.Head.Version);
        Assert.Equal("", r.Head.Host);
        Assert.False(r.Head.KeepAlive);
    }

    [Fact]
    public void Keeps_HTTP_1_0_alive_only_when_asked()
    {
        Assert.True(ReadOne(Http10KeepAlive).Head.KeepAlive);
        Assert.False(ReadOne("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").Head.KeepAlive);
        Assert.False(ReadOne("GET / HTTP/1.0\r\nConnection: other\r\n\r\n").Head.KeepAlive);
    }

    [Fact]
    public void Serves_HTTP_1_x_above_1_1_as_1_1()
    {
        var r = ReadOne(Http12);
        Assert.Equal(HttpVersion.Http11, r.Head.Version);
        Assert.True(r.Head.KeepAlive);
        Assert.Equal(HttpVersion.Http11, ReadOne("GET / HTTP/1.9\r\nHost: a\r\n\r\n").Head.Version);
    }

    [Fact]
    public void Takes_Host_from_an_absolute_form_target()
    {
        var r = ReadOne(AbsoluteForm);
        Assert.Equal("http://example.com:8080/p/q?x=1", r.Head.Target);
        Assert.Equal("example.com:8080", r.Head.Host);
        Assert.Equal("/p/q", r.Head.RawPath);
        Assert.Equal("x=1", r.Head.RawQuery);
    }

    [Fact]
    public void Gives_an_absolute_form_target_without_path_the_root_path()
    {
        var r = ReadOne(AbsoluteFormNoPath);
        Assert.Equal("example.com", r.Head.Host);
        Assert.Equal("/", r.Head.RawPath);
        Assert.Equal("x=1", r.Head.RawQuery);
        Assert.Equal("/", ReadOne("GET HTTP://[::1]:80 HTTP/1.1\r\nHost: x\r\n\r\n").Head.RawPath);
    }

    [Fact]
    public void Accepts_the_asterisk_form_for_OPTIONS()
    {
        var r = ReadOne(OptionsAsterisk);
        Assert.Same(KnownMethods.Options, r.Head.Method);
        Assert.Equal("*", r.Head.Target);
        Assert.Equal("*", r.Head.RawPath);
        Assert.Equal("", r.Head.RawQuery);
    }

    [Fact]
    public void Closes_when_close_is_anywhere_in_the_Connection_token_list()
    {
        Assert.False(ReadOne(ConnectionList).Head.KeepAlive);
        Assert.False(ReadOne(ConnectionRepeated).Head.KeepAlive);
        Assert.False(ReadOne(MixedCaseNames).Head.KeepAlive);
        Assert.True(ReadOne("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed, xclose\r\n\r\n").Head.KeepAlive);
    }

    [Fact]
    public void Reads_a_Content_Length_body()
    {
        var r = ReadOne(PostWithBody);
        Assert.Same(KnownMethods.Post, r.Head.Method);
        Assert.Equal(BodyFraming.ContentLength, r.Head.Framing);
        Assert.Equal(11, r.Head.ContentLength);
        Assert.Equal("hello world"u8.ToArray(), r.Body);
    }

    [Fact]
    public void Treats_Content_Length_zero_as_no_body()
    {
        var r = ReadOne("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        Assert.Equal(BodyFraming.None, r.Head.Framing);
        Assert.Empty(r.Body);
    }

    [Fact]
    public void Accepts_repeated_identical_Content_Length_values()
    {
        var r = ReadOne(IdenticalContentLengths);
        Assert.Equal(5, r.Head.ContentLength);
        Assert.Equal("abcde"u8.ToArray(), r.Body);
        Assert.Equal(5, ReadOne("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 005\r\n\r\nabcde").Head.ContentLength);
    }

    [Fact]
    public void Reads_a_chunked_body_with_extensions_and_trailers()
    {
        var r = ReadOne(ChunkedWithExtensionsAndTrailers);
        Assert.Equal(BodyFraming.Chunked, r.Head.Framing);
        Assert.Equal("hello world"u8.ToArray(), r.Body);
    }

    [Fact]
    public void Flags_Expect_100_continue_when_a_body_follows()
    {
        Assert.True(ReadOne(ExpectContinue).Head.ExpectContinue);
        // Nothing to wait for without a body; HTTP/1.0 must ignore the expectation (RFC 9110 §10.1.1).
        Assert.False(ReadOne("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").Head.ExpectContinue);
        Assert.False(ReadOne("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx").Head.ExpectContinue);
    }

    [Fact]
    public void Matches_header_names_case_insensitively()
    {
        var r = ReadOne(MixedCaseNames);
        Assert.Equal("a", r.Head.Host);
        Assert.Equal(3, r.Head.ContentLength);
        // Known names are interned to their canonical spelling.
        Assert.Same(KnownHeaders.Host, r.Head.Headers.First().Key);
    }

    [Fact]
    public void Keeps_repeated_headers_in_order()
    {
        var r = ReadOne(RepeatedHeaders);
        Assert.Equal(["text/html", "*/*"], r.Head.Headers.GetAll("accept"));
        Assert.Equal("text/html, */*", r.Head.Headers.GetCombined("Accept"));
        Assert.Equal("", r.Head.Headers["X-Empty"]);
    }

    [Fact]
    public void Trims_optional_whitespace_around_field_values_only()
    {
        var r = ReadOne("GET / HTTP/1.1\r\nHost: a\r\nX-V: \t one  two \t\r\nX-Latin: caf\xe9\r\n\r\n");
        Assert.Equal("one  two", r.Head.Headers["X-V"]);
        // obs-text is allowed in values (RFC 9110 §5.5).
        Assert.NotNull(r.Head.Headers["X-Latin"]);
    }

    [Fact]
    public void Detects_an_upgrade_request()
    {
        Assert.True(ReadOne(WebSocketUpgrade).Head.IsUpgrade);
        Assert.False(ReadOne("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").Head.IsUpgrade);
    }

    [Fact]
    public void Reads_pipelined_requests_in_order()
    {
        using var d = DecoderDriver.Run(TestSettings.Default, [Requests.Bytes(Pipelined)]);
        Assert.Null(d.Rejection);
        Assert.Equal(["/1", "/2", "/3"], d.Requests.Select(r => r.Head.Target));
        Assert.Equal("hi"u8.ToArray(), d.Requests[1].Body);
        Assert.False(d.Requests[2].Head.KeepAlive);
    }

    [Fact]
    public void Keeps_the_target_raw_for_later_percent_decoding()
    {
        var r = ReadOne("GET /a%20b/c+d?x=%41+b&y HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal("/a%20b/c+d", r.Head.RawPath);
        Assert.Equal("x=%41+b&y", r.Head.RawQuery);
        Assert.Equal("/a b/c+d", UrlEncoding.DecodePath(r.Head.RawPath));
        Assert.Equal(["A b"], UrlEncoding.ParseQuery(r.Head.RawQuery)["x"]);
    }

    [Fact]
    public void Accepts_any_token_as_a_method_and_interns_the_standard_ones()
    {
        Assert.Equal("PROPFIND", ReadOne("PROPFIND / HTTP/1.1\r\nHost: a\r\n\r\n").Head.Method);
        Assert.Equal("get", ReadOne("get / HTTP/1.1\r\nHost: a\r\n\r\n").Head.Method);
        Assert.Same(KnownMethods.Delete, ReadOne("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n").Head.Method);
    }

    [Fact]
    public void Accepts_valid_Host_forms()
    {
        foreach (var host in new[] { "a", "a:80", "a:", "127.0.0.1:8888", "[::1]", "[::1]:8080", "xn--bcher-kva.example", "" })
            Assert.Equal(host, ReadOne($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").Head.Host);
    }

    [Fact]
    public void Waits_for_more_bytes_on_a_partial_head_without_consuming_any()
    {
        var reader = new Http1RequestReader(TestSettings.Default);
        var status = reader.TryRead(Requests.Bytes("GET / HTTP/1.1\r\nHost: a\r\n"), out var consumed, out var head, out _);
        Assert.Equal(ReadStatus.NeedMoreData, status);
        Assert.Equal(0, consumed);
        Assert.Null(head);
    }

    [Fact]
    public void Consumes_exactly_the_head()
    {
        var reader = new Http1RequestReader(TestSettings.Default);
        var input = Requests.Bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT");
        Assert.Equal(ReadStatus.Done, reader.TryRead(input, out var consumed, out _, out _));
        Assert.Equal(input.Length - 4, consumed);
    }

    [Fact]
    public void Accepts_heads_exactly_at_the_limits()
    {
        var s = TestSettings.Small;
        // Request line of exactly 64 bytes.
        var line = "GET /" + new string('a', 64 - "GET / HTTP/1.1".Length) + " HTTP/1.1";
        Assert.Equal(64, line.Length);
        foreach (var chunks in Requests.Splits(Requests.Bytes(line + "\r\nHost: a\r\n\r\n")))
        {
            using var d = DecoderDriver.Run(s, chunks);
            Assert.Null(d.Rejection);
            Assert.Single(d.Requests);
        }

        // 8 fields in exactly 256 bytes (CRLFs included).
        var fields = string.Concat(Enumerable.Range(0, 7).Select(i => $"X-{i}: {new string('v', 27)}\r\n"));
        var last = "Host: " + new string('h', 256 - fields.Length - "Host: \r\n".Length) + "\r\n";
        Assert.Equal(256, (fields + last).Length);
        foreach (var chunks in Requests.Splits(Requests.Bytes("GET / HTTP/1.1\r\n" + fields + last + "\r\n")))
        {
            using var d = DecoderDriver.Run(s, chunks);
            Assert.Null(d.Rejection);
            Assert.Equal(8, d.Requests.Single().Head.Headers.Count);
        }

        // A body of exactly max-request-body-size.
        using var body = DecoderDriver.Run(s, [Requests.Bytes($"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n{new string('b', 1000)}")]);
        Assert.Null(body.Rejection);
        Assert.Equal(1000, body.Requests.Single().Body.Length);
    }

    private static DecodedRequest ReadOne(string request)
    {
        using var d = DecoderDriver.Run(TestSettings.Default, [Requests.Bytes(request)]);
        Assert.Null(d.Rejection);
        var r = Assert.Single(d.Requests);
        Assert.True(r.Complete, "the request is complete");
        return r;
    }
}
