using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class RequestTests
{
    private sealed class Describe : RequestHandler
    {
        public override Task GetAsync() => Answer();
        public override Task PostAsync() => Answer();

        private Task Answer()
        {
            WriteJson(new Dictionary<string, object?>
            {
                ["method"] = Request.Method,
                ["uri"] = Request.Uri,
                ["path"] = Request.Path,
                ["rawPath"] = Request.RawPath,
                ["query"] = Request.Query,
                ["version"] = Request.Version,
                ["host"] = Request.Host,
                ["hostName"] = Request.HostName,
                ["remoteIp"] = Request.RemoteIp,
                ["remotePort"] = Request.RemoteEndPoint?.Port,
                ["protocol"] = Request.Protocol,
                ["fullUrl"] = Request.FullUrl(),
                ["header"] = Request.Headers.Get("x-test"),
                ["headerAll"] = Request.Headers.GetAll("X-Multi"),
                ["headerCombined"] = Request.Headers.GetCombined("x-multi"),
                ["body"] = Encoding.UTF8.GetString(Request.Body.Span),
                ["cookies"] = Request.Cookies,
                ["cookie"] = GetCookie("b", "none"),
                ["missingCookie"] = GetCookie("zzz", "none"),
            });
            return Task.CompletedTask;
        }
    }

    private sealed class Arguments : RequestHandler
    {
        public override Task GetAsync() => Answer();
        public override Task PostAsync() => Answer();

        private Task Answer()
        {
            var mode = GetQueryArgument("mode");
            switch (mode)
            {
                case "all":
                    WriteJson(new Dictionary<string, object?>
                    {
                        ["a"] = GetArgument("a"),
                        ["as"] = GetArguments("a"),
                        ["queryA"] = GetQueryArgument("a", null),
                        ["queryAs"] = GetQueryArguments("a"),
                        ["bodyA"] = GetBodyArgument("a", null),
                        ["bodyAs"] = GetBodyArguments("a"),
                        ["blank"] = GetArgument("blank"),
                        ["space"] = GetArgument("space", null),
                        ["missing"] = GetArgument("missing", "fallback"),
                        ["missingNull"] = GetArgument("missing", null),
                        ["none"] = GetArguments("missing"),
                    });
                    break;
                case "required": Write(GetArgument("need")); break;
                case "query": Write(GetQueryArgument("need")); break;
                case "body": Write(GetBodyArgument("need")); break;
            }
            return Task.CompletedTask;
        }
    }

    private static Task<TestServer> Start(string hocon = "") => TestServer.StartAsync(r => r
        .Map<Describe>("/describe/{*rest}")
        .Map<Arguments>("/args"), hocon);

    private static async Task<JsonElement> Json(RawConnection conn, string request)
    {
        await conn.SendAsync(request);
        var response = await conn.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }

    [Fact]
    public async Task Request_exposes_method_path_query_headers_body_cookies_host_and_peer()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        var j = await Json(conn,
            "POST /describe/caf%C3%A9%20au%2Blait?x=1&y=%20 HTTP/1.1\r\n" +
            "Host: example.test:8080\r\nX-Test: hello\r\nX-Multi: a\r\nx-multi: b, c\r\n" +
            "Cookie: a=1; b=\"two\"\r\nCookie: c=3\r\nContent-Length: 9\r\n\r\nbody text");
        Assert.Equal("POST", j.GetProperty("method").GetString());
        Assert.Equal("/describe/caf%C3%A9%20au%2Blait?x=1&y=%20", j.GetProperty("uri").GetString());
        Assert.Equal("/describe/café au+lait", j.GetProperty("path").GetString());
        Assert.Equal("/describe/caf%C3%A9%20au%2Blait", j.GetProperty("rawPath").GetString());
        Assert.Equal("x=1&y=%20", j.GetProperty("query").GetString());
        Assert.Equal("HTTP/1.1", j.GetProperty("version").GetString());
        Assert.Equal("example.test:8080", j.GetProperty("host").GetString());
        Assert.Equal("example.test", j.GetProperty("hostName").GetString());
        Assert.Equal("127.0.0.1", j.GetProperty("remoteIp").GetString());
        Assert.Equal(((IPEndPoint)conn.Socket.LocalEndPoint!).Port, j.GetProperty("remotePort").GetInt32());
        Assert.Equal("http", j.GetProperty("protocol").GetString());
        Assert.Equal("http://example.test:8080/describe/caf%C3%A9%20au%2Blait?x=1&y=%20", j.GetProperty("fullUrl").GetString());
        Assert.Equal("hello", j.GetProperty("header").GetString());
        Assert.Equal(["a", "b, c"], j.GetProperty("headerAll").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("a, b, c", j.GetProperty("headerCombined").GetString());
        Assert.Equal("body text", j.GetProperty("body").GetString());
        var cookies = j.GetProperty("cookies");
        Assert.Equal(("1", "two", "3"), (cookies.GetProperty("a").GetString(), cookies.GetProperty("b").GetString(), cookies.GetProperty("c").GetString()));
        Assert.Equal("two", j.GetProperty("cookie").GetString());
        Assert.Equal("none", j.GetProperty("missingCookie").GetString());
    }

    [Fact]
    public async Task An_HTTP_1_0_request_without_Host_reports_its_version()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /describe/x HTTP/1.0\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        var j = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("HTTP/1.0", j.GetProperty("version").GetString());
        Assert.Equal("", j.GetProperty("body").GetString());
        Assert.True(await conn.WaitForCloseAsync());
    }

    [Fact]
    public async Task A_chunked_body_is_buffered_whole_for_the_handler()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        var j = await Json(conn, "POST /describe/ HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nbody\r\n5\r\n text\r\n0\r\nTrailer: x\r\n\r\n");
        Assert.Equal("body text", j.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Arguments_come_from_the_query_and_a_urlencoded_form_body()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        const string form = "a=body1&a=body+2&space=x%20y+z";
        var j = await Json(conn,
            $"POST /args?mode=all&a=q1&a=q%262&blank= HTTP/1.1\r\nHost: t\r\n" +
            $"Content-Type: application/x-www-form-urlencoded; charset=UTF-8\r\nContent-Length: {form.Length}\r\n\r\n{form}");
        Assert.Equal("body 2", j.GetProperty("a").GetString());
        Assert.Equal(["q1", "q&2", "body1", "body 2"], j.GetProperty("as").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("q&2", j.GetProperty("queryA").GetString());
        Assert.Equal(["q1", "q&2"], j.GetProperty("queryAs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("body 2", j.GetProperty("bodyA").GetString());
        Assert.Equal(["body1", "body 2"], j.GetProperty("bodyAs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("", j.GetProperty("blank").GetString());
        Assert.Equal("x y z", j.GetProperty("space").GetString());
        Assert.Equal("fallback", j.GetProperty("missing").GetString());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("missingNull").ValueKind);
        Assert.Equal(0, j.GetProperty("none").GetArrayLength());
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_gives_no_body_arguments()
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        const string body = "a=not-a-form";
        var j = await Json(conn,
            $"POST /args?mode=all&a=q&blank HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        Assert.Equal("q", j.GetProperty("a").GetString());
        Assert.Equal(JsonValueKind.Null, j.GetProperty("bodyA").ValueKind);
    }

    [Theory]
    [InlineData("GET /args?mode=required HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET /args HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("POST /args?mode=query HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\nneed=1")]
    [InlineData("POST /args?mode=body&need=1 HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\nother=")]
    public async Task A_missing_argument_without_a_default_is_400(string request)
    {
        await using var server = await Start();
        using var conn = await server.ConnectAsync();
        await conn.SendAsync(request);
        var response = await conn.ReadResponseAsync();
        Assert.Equal(400, response.Status);
        Assert.Contains("400: Bad Request", response.BodyText);
        await conn.SendAsync("GET /args?mode=required&need=ok HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("ok", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Each_argument_accessor_reads_only_its_source()
    {
        await using var server = await Start();
        var form = new FormUrlEncodedContent([new("need", "from body")]);
        Assert.Equal("from body", await (await server.Client.PostAsync("/args?mode=body", form)).Content.ReadAsStringAsync());
        form = new FormUrlEncodedContent([new("other", "x")]);
        Assert.Equal("from query", await (await server.Client.PostAsync("/args?mode=query&need=from%20query", form)).Content.ReadAsStringAsync());
        form = new FormUrlEncodedContent([new("need", "body wins: it comes last")]);
        Assert.Equal("body wins: it comes last", await (await server.Client.PostAsync("/args?mode=required&need=query", form)).Content.ReadAsStringAsync());
    }
}
