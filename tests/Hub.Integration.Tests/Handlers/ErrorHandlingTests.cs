using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ErrorHandlingTests
{
    private sealed class Throws : RequestHandler
    {
        public override async Task GetAsync()
        {
            Write("partial output that must not leak");
            SetHeader("X-Partial", "yes");
            switch (GetArgument("kind"))
            {
                case "http": throw new HttpError(int.Parse(GetArgument("code")), "log only {0}", "detail");
                case "reason": throw new HttpError(451) { Reason = "Unavailable For Legal Reasons Here" };
                case "sync": throw new InvalidOperationException("secret detail");
                case "async":
                    await Task.Yield();
                    throw new KeyNotFoundException("secret detail");
            }
        }

        public override Task PostAsync() => throw new InvalidOperationException("post failed");
    }

    private sealed class FailsAfterFlush(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            Write("first part");
            await FlushAsync();
            await probe.Gate("fail");
            throw new InvalidOperationException("too late for a status");
        }
    }

    private sealed class PrepareFinishes(Probe probe) : RequestHandler
    {
        public override Task PrepareAsync()
        {
            probe.Record("prepare");
            switch (GetArgument("mode", ""))
            {
                case "finish": Finish("from prepare"); break;
                case "redirect": Redirect("/elsewhere"); break;
                case "deny": throw new HttpError(401);
            }
            return Task.CompletedTask;
        }

        public override Task GetAsync()
        {
            probe.Record("get");
            Write("from get");
            return Task.CompletedTask;
        }

        public override Task PostAsync()
        {
            probe.Record("post", Request.Body.Length.ToString());
            Write("from post");
            return Task.CompletedTask;
        }

        public override void OnFinish() => probe.Record("on finish", Status.ToString());
    }

    private sealed class BrokenWriteError : RequestHandler
    {
        public override Task GetAsync() => throw new HttpError(418);
        public override void WriteError(int status, Exception? exception = null) => throw new InvalidOperationException("broken page");
    }

    private sealed class NeedsService(IComparer<string> comparer) : RequestHandler
    {
        public override Task GetAsync() { Write(comparer.GetType().Name); return Task.CompletedTask; }
    }

    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync() { Write("hello"); return Task.CompletedTask; }
    }

    private static Task<TestServer> Start(Probe probe, string hocon = "") => TestServer.StartAsync(r => r
        .Map<Throws>("/throw")
        .Map<FailsAfterFlush>("/late", null, probe)
        .Map<PrepareFinishes>("/prepare", null, probe)
        .Map<BrokenWriteError>("/broken")
        .Map<NeedsService>("/needs-service")
        .Map<Hello>("/"), hocon);

    [Theory]
    [InlineData(400, "HTTP/1.1 400 Bad Request")]
    [InlineData(404, "HTTP/1.1 404 Not Found")]
    [InlineData(429, "HTTP/1.1 429 Too Many Requests")]
    [InlineData(502, "HTTP/1.1 502 Bad Gateway")]
    public async Task HttpError_answers_with_its_status_and_no_partial_output(int code, string statusLine)
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync($"GET /throw?kind=http&code={code} HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(statusLine, response.StatusLine);
        Assert.DoesNotContain("partial output", response.BodyText);
        Assert.DoesNotContain("log only", response.BodyText);
        Assert.Null(response.Header("X-Partial"));
        Assert.Null(response.Header("Connection"));
    }

    [Fact]
    public async Task HttpError_with_a_reason_uses_it_on_the_status_line()
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /throw?kind=reason HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("HTTP/1.1 451 Unavailable For Legal Reasons Here", (await conn.ReadResponseAsync()).StatusLine);
    }

    [Theory]
    [InlineData("GET /throw?kind=sync HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET /throw?kind=async HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("POST /throw HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")]
    [InlineData("GET /broken HTTP/1.1\r\nHost: t\r\n\r\n")]
    public async Task Any_other_exception_is_500_and_the_keep_alive_connection_serves_the_next_request(string request)
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync(request);
        var failed = await conn.ReadResponseAsync();
        var expected = request.Contains("/broken") ? 418 : 500;
        Assert.Equal(expected, failed.Status);
        Assert.DoesNotContain("secret detail", failed.BodyText);
        Assert.DoesNotContain("partial output", failed.BodyText);
        Assert.DoesNotContain(" at ", failed.BodyText); // no stack trace
        Assert.Null(failed.Header("Connection"));
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("hello", (await conn.ReadResponseAsync()).BodyText);
    }

    [Fact]
    public async Task Verbose_error_messages_show_the_exception_type_and_message()
    {
        await using var server = await Start(new Probe(), "hub.http.verbose-error-messages = on");
        var response = await server.Client.GetAsync("/throw?kind=sync");
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Contains("InvalidOperationException: secret detail", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_exception_after_FlushAsync_closes_the_connection_leaving_a_truncated_response()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /late HTTP/1.1\r\nHost: t\r\n\r\n");
        var text = new SocketText(conn.Socket);
        await text.ReadUntilAsync("first part\r\n");
        probe.Open("fail");
        var all = await text.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", all);
        Assert.Contains("Transfer-Encoding: chunked", all);
        Assert.DoesNotContain("\r\n0\r\n\r\n", all); // no last chunk: the client can tell the body is incomplete
        Assert.DoesNotContain("500", all);
        Assert.Equal(HttpStatusCode.OK, (await server.GetOnFreshConnectionAsync()).StatusCode);
    }

    [Theory]
    [InlineData("finish", 200, "from prepare")]
    [InlineData("redirect", 302, "")]
    [InlineData("deny", 401, "401: Unauthorized")]
    public async Task PrepareAsync_that_finishes_skips_the_verb(string mode, int status, string body)
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync($"GET /prepare?mode={mode} HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(status, response.Status);
        Assert.Contains(body, response.BodyText);
        await probe.WaitFor("on finish");
        Assert.Equal(["prepare", $"on finish:{status}"], probe.Events);
    }

    [Fact]
    public async Task Prepare_verb_and_OnFinish_run_in_order_with_the_body_already_read()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /prepare HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde");
        Assert.Equal("from post", (await conn.ReadResponseAsync()).BodyText);
        await probe.WaitFor("on finish");
        Assert.Equal(["prepare", "post:5", "on finish:200"], probe.Events);
    }

    [Fact]
    public async Task PrepareAsync_that_finishes_a_request_with_a_body_keeps_the_connection_in_sync()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /prepare?mode=deny HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde");
        Assert.Equal(401, (await conn.ReadResponseAsync()).Status);
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("hello", (await conn.ReadResponseAsync()).BodyText);
        Assert.DoesNotContain(probe.Events, e => e.StartsWith("post", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnFinish_runs_for_a_response_refused_with_405()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("DELETE /prepare HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(405, (await conn.ReadResponseAsync()).Status);
        Assert.Equal("405", await probe.WaitFor("on finish", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_handler_that_cannot_be_constructed_is_500_and_the_connection_goes_on()
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /needs-service HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(500, response.Status);
        Assert.DoesNotContain("comparer", response.BodyText);
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("hello", (await conn.ReadResponseAsync()).BodyText);
    }
}
