using System.Net;
using System.Text;
using System.Text.Json;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ResponseApiTests
{
    private sealed class Status : RequestHandler
    {
        public override Task GetAsync()
        {
            var code = int.Parse(GetArgument("code"));
            SetStatus(code, GetArgument("reason", null));
            Write("status set");
            return Task.CompletedTask;
        }
    }

    private sealed class BadStatus(Probe probe) : RequestHandler
    {
        public override Task GetAsync()
        {
            try { SetStatus(600); }
            catch (ArgumentOutOfRangeException) { probe.Record("600 refused"); }
            try { SetStatus(200, "OK\r\nX-Injected: 1"); }
            catch (ArgumentException) { probe.Record("reason refused"); }
            return Task.CompletedTask;
        }
    }

    private sealed class Headers(Probe probe) : RequestHandler
    {
        public override Task GetAsync()
        {
            SetHeader("X-Set", "first");
            SetHeader("x-set", "second");
            AddHeader("X-Multi", "a");
            AddHeader("X-Multi", "b");
            SetHeader("X-Gone", "soon");
            ClearHeader("X-GONE");
            ClearHeader("Content-Type");
            foreach (var (name, value) in new[] { ("X-Evil", "a\r\nX-Injected: 1"), ("X-Evil", "a\nb"), ("X-Evil", "a\0b"), ("Bad Name", "v"), ("X-Evil:", "v") })
            {
                try { SetHeader(name, value); probe.Record("accepted", name); }
                catch (ArgumentException) { probe.Record("refused"); }
                try { AddHeader(name, value); probe.Record("accepted", name); }
                catch (ArgumentException) { probe.Record("refused"); }
            }
            Write(ResponseHeaders.Get("X-Set") ?? "");
            return Task.CompletedTask;
        }
    }

    public sealed record Item(string Name, int Count);

    private sealed class Writes : RequestHandler
    {
        public override Task GetAsync()
        {
            switch (GetArgument("kind"))
            {
                case "text":
                    Write("héllo ");
                    Write("wörld");
                    break;
                case "bytes":
                    Write(new byte[] { 0, 1, 2, 255 });
                    Write(stackalloc byte[] { 254 });
                    break;
                case "object":
                    Write(new Item("cup", 3));
                    break;
                case "json":
                    WriteJson(new Dictionary<string, object> { ["ok"] = true, ["list"] = new[] { 1, 2 } });
                    break;
                case "empty":
                    break;
            }
            return Task.CompletedTask;
        }
    }

    private sealed class Finishes(Probe probe) : RequestHandler
    {
        public override async Task GetAsync()
        {
            Finish("done early");
            try { Write("more"); }
            catch (InvalidOperationException) { probe.Record("write after finish refused"); }
            try { Finish(); }
            catch (InvalidOperationException) { probe.Record("second finish refused"); }
            // Work after Finish does not hold the response back.
            await probe.Gate("after-finish");
            probe.Record("verb returned");
        }

        public override void OnFinish() => probe.Record("on finish");
    }

    private sealed class Redirects : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("this body is dropped");
            switch (GetArgument("kind"))
            {
                case "temp": Redirect("/target?a=1"); break;
                case "perm": Redirect("https://example.test/new", permanent: true); break;
                case "303": Redirect("/other", status: 303); break;
            }
            return Task.CompletedTask;
        }
    }

    private sealed class Errors : RequestHandler
    {
        public override Task GetAsync()
        {
            SetHeader("X-Before-Error", "cleared");
            SendError(int.Parse(GetArgument("code")));
            return Task.CompletedTask;
        }
    }

    private sealed class JsonErrors : RequestHandler
    {
        public override Task GetAsync() => GetArgument("kind") switch
        {
            "http" => throw new HttpError(409, "conflict on {0}", "x"),
            "crash" => throw new InvalidOperationException("secret detail"),
            _ => Task.CompletedTask,
        };

        public override void WriteError(int status, Exception? exception = null)
        {
            SetHeader("Content-Type", "application/json");
            Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { error = status, kind = exception?.GetType().Name })));
        }
    }

    private static Task<TestServer> Start(Probe probe, string hocon = "") => TestServer.StartAsync(r => r
        .Map<Status>("/status")
        .Map<BadStatus>("/bad-status", null, probe)
        .Map<Headers>("/headers", null, probe)
        .Map<Writes>("/write")
        .Map<Finishes>("/finish", null, probe)
        .Map<Redirects>("/redirect")
        .Map<Errors>("/error")
        .Map<JsonErrors>("/json-error"), hocon);

    [Theory]
    [InlineData(201, null, "HTTP/1.1 201 Created")]
    [InlineData(418, null, "HTTP/1.1 418 I'm a teapot")]
    [InlineData(299, "Fine Thanks", "HTTP/1.1 299 Fine Thanks")]
    [InlineData(404, "Nobody Here", "HTTP/1.1 404 Nobody Here")]
    public async Task SetStatus_sets_the_status_line_with_an_optional_reason(int code, string? reason, string statusLine)
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        var query = reason is null ? "" : "&reason=" + Uri.EscapeDataString(reason);
        await conn.SendAsync($"GET /status?code={code}{query} HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(statusLine, response.StatusLine);
        Assert.Equal("status set", response.BodyText);
    }

    [Fact]
    public async Task SetStatus_refuses_codes_out_of_range_and_reasons_with_CR_LF()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /bad-status HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 200 OK", response.StatusLine);
        Assert.Null(response.Header("X-Injected"));
        Assert.Equal(["600 refused", "reason refused"], probe.Events);
    }

    [Fact]
    public async Task SetHeader_replaces_AddHeader_repeats_ClearHeader_removes_and_CR_LF_is_refused()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /headers HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal(["second"], response.HeaderValues("X-Set"));
        Assert.Equal(["a", "b"], response.HeaderValues("X-Multi"));
        Assert.Null(response.Header("X-Gone"));
        Assert.Null(response.Header("Content-Type"));
        Assert.Null(response.Header("X-Injected"));
        Assert.Null(response.Header("X-Evil"));
        Assert.Equal("second", response.BodyText);
        Assert.Equal(Enumerable.Repeat("refused", 10), probe.Events);
    }

    [Fact]
    public async Task Write_appends_UTF8_text_with_the_default_html_type()
    {
        await using var server = await Start(new Probe());
        var response = await server.Client.GetAsync("/write?kind=text");
        Assert.Equal("text/html; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("héllo wörld", await response.Content.ReadAsStringAsync());
        Assert.Equal(Encoding.UTF8.GetByteCount("héllo wörld"), response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Write_appends_bytes_exactly()
    {
        await using var server = await Start(new Probe());
        var bytes = await server.Client.GetByteArrayAsync("/write?kind=bytes");
        Assert.Equal(new byte[] { 0, 1, 2, 255, 254 }, bytes);
    }

    [Fact]
    public async Task Writing_an_object_sends_JSON_as_application_json()
    {
        await using var server = await Start(new Probe());
        var response = await server.Client.GetAsync("/write?kind=object");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"Name":"cup","Count":3}""", await response.Content.ReadAsStringAsync());

        var json = await server.Client.GetAsync("/write?kind=json");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        using var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(2, doc.RootElement.GetProperty("list").GetArrayLength());
    }

    [Fact]
    public async Task A_handler_that_writes_nothing_sends_an_empty_200()
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /write?kind=empty HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal("0", response.Header("Content-Length"));
    }

    [Fact]
    public async Task Finish_sends_the_response_at_once_and_later_writes_are_refused()
    {
        var probe = new Probe();
        await using var server = await Start(probe);
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /finish HTTP/1.1\r\nHost: t\r\n\r\n");
        // The response arrives while the verb is still waiting at the gate.
        var response = await conn.ReadResponseAsync();
        Assert.Equal("done early", response.BodyText);
        Assert.False(probe.Happened("verb returned"));
        probe.Open("after-finish");
        await probe.WaitFor("on finish");
        Assert.Equal(["write after finish refused", "second finish refused", "verb returned", "on finish"], probe.Events);
        // The same connection serves the next request.
        await conn.SendAsync("GET /write?kind=text HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("héllo wörld", (await conn.ReadResponseAsync()).BodyText);
    }

    [Theory]
    [InlineData("temp", 302, "/target?a=1")]
    [InlineData("perm", 301, "https://example.test/new")]
    [InlineData("303", 303, "/other")]
    public async Task Redirect_sends_the_status_and_Location_without_the_body(string kind, int status, string location)
    {
        await using var server = await Start(new Probe());
        using var conn = await server.ConnectAsync();
        await conn.SendAsync($"GET /redirect?kind={kind} HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(status, response.Status);
        Assert.Equal(location, response.Header("Location"));
        Assert.Empty(response.Body);
    }

    [Theory]
    [InlineData(400, "400: Bad Request")]
    [InlineData(403, "403: Forbidden")]
    [InlineData(503, "503: Service Unavailable")]
    public async Task SendError_replaces_the_response_with_an_error_page(int code, string text)
    {
        await using var server = await Start(new Probe());
        var response = await server.Client.GetAsync($"/error?code={code}");
        Assert.Equal(code, (int)response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.False(response.Headers.Contains("X-Before-Error"));
    }

    [Fact]
    public async Task WriteError_override_shapes_every_error_body()
    {
        await using var server = await Start(new Probe());
        var conflict = await server.Client.GetAsync("/json-error?kind=http");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("""{"error":409,"kind":"HttpError"}""", await conflict.Content.ReadAsStringAsync());
        Assert.Equal("application/json", conflict.Content.Headers.ContentType!.MediaType);

        var crash = await server.Client.GetAsync("/json-error?kind=crash");
        Assert.Equal(HttpStatusCode.InternalServerError, crash.StatusCode);
        Assert.Equal("""{"error":500,"kind":"InvalidOperationException"}""", await crash.Content.ReadAsStringAsync());

        // A missing argument is Tornado's MissingArgumentError: a 400 through the same override.
        var missing = await server.Client.GetAsync("/json-error");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("""{"error":400,"kind":"HttpError"}""", await missing.Content.ReadAsStringAsync());
    }
}
