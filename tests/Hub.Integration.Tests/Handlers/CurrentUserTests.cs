using System.Net;
using System.Net.WebSockets;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

/// <summary>GetCurrentUserAsync / CurrentUser and [Authenticated], on plain handlers and WebSockets.</summary>
public sealed class CurrentUserTests
{
    private const string LoginUrl = """hub.security.login-url = "/login" """;

    /// <summary>The user is the X-User header; records what PrepareAsync saw.</summary>
    private class HeaderUser : RequestHandler
    {
        public override Task<string?> GetCurrentUserAsync() => Task.FromResult(Request.Headers.Get("X-User"));

        private string? _seenInPrepare;

        public override Task PrepareAsync()
        {
            _seenInPrepare = CurrentUser;
            return Task.CompletedTask;
        }

        public override Task GetAsync()
        {
            Write($"{CurrentUser ?? "(none)"} prepare={_seenInPrepare ?? "(none)"}");
            return Task.CompletedTask;
        }

        public override Task PostAsync()
        {
            Write("posted by " + (CurrentUser ?? "(none)"));
            return Task.CompletedTask;
        }
    }

    private sealed class Counted(Counter calls) : HeaderUser
    {
        public override Task<string?> GetCurrentUserAsync()
        {
            calls.Increment();
            return base.GetCurrentUserAsync();
        }
    }

    [Authenticated]
    private sealed class Private : HeaderUser;

    private sealed class PrivateGet : HeaderUser
    {
        [Authenticated]
        public override Task GetAsync() => base.GetAsync();
    }

    /// <summary>Does not override GetCurrentUserAsync: nobody is ever signed in, and [Authenticated] always refuses.</summary>
    private sealed class NoResolver : RequestHandler
    {
        public override Task GetAsync()
        {
            Write(CurrentUser ?? "(none)");
            return Task.CompletedTask;
        }
    }

    [Authenticated]
    private sealed class PrivateSocket : WebSocketHandler
    {
        public override Task<string?> GetCurrentUserAsync() => Task.FromResult(GetQueryArgument("as", null));

        public override Task OpenAsync() => WriteMessageAsync("hello " + CurrentUser);

        public override Task OnMessageAsync(WsMessage message) => WriteMessageAsync(CurrentUser + ": " + message.Text);
    }

    private sealed class FailingResolver : RequestHandler
    {
        public override Task<string?> GetCurrentUserAsync() => throw new InvalidOperationException("user store down");

        public override Task GetAsync() => throw new InvalidOperationException("the verb must not run");
    }

    public sealed class Counter
    {
        private int _value;
        public int Value => Volatile.Read(ref _value);
        public void Increment() => Interlocked.Increment(ref _value);
    }

    private static HttpClient NoRedirects(TestServer server) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(30),
        };

    private static HttpRequestMessage As(HttpMethod method, string path, string? user)
    {
        var request = new HttpRequestMessage(method, path);
        if (user is not null) request.Headers.Add("X-User", user);
        return request;
    }

    [Fact]
    public async Task The_user_is_resolved_once_before_prepare_and_kept_for_the_request()
    {
        var calls = new Counter();
        await using var server = await TestServer.StartAsync(r => r.Map<Counted>("/", null, calls));

        using var signedIn = await server.Client.SendAsync(As(HttpMethod.Get, "/", "ann"));
        Assert.Equal("ann prepare=ann", await signedIn.Content.ReadAsStringAsync());
        Assert.Equal(1, calls.Value);

        using var anonymous = await server.Client.SendAsync(As(HttpMethod.Get, "/", null));
        Assert.Equal("(none) prepare=(none)", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(2, calls.Value);
    }

    [Fact]
    public async Task A_handler_that_does_not_override_GetCurrentUserAsync_has_no_user()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<NoResolver>("/"));
        using var response = await server.Client.SendAsync(As(HttpMethod.Get, "/", "ann"));
        Assert.Equal("(none)", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authenticated_redirects_a_GET_without_a_user_to_the_login_url_with_next()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Private>("/private/{id}"), LoginUrl);
        using var client = NoRedirects(server);

        using var get = await client.SendAsync(As(HttpMethod.Get, "/private/7?tab=a b&x=1", null));
        Assert.Equal(HttpStatusCode.Found, get.StatusCode);
        Assert.Equal("/login?next=%2Fprivate%2F7%3Ftab%3Da%2520b%26x%3D1", get.Headers.Location!.OriginalString);

        using var head = await client.SendAsync(As(HttpMethod.Head, "/private/7", null));
        Assert.Equal(HttpStatusCode.Found, head.StatusCode);

        using var post = await client.SendAsync(As(HttpMethod.Post, "/private/7", null));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);

        using var signedIn = await client.SendAsync(As(HttpMethod.Post, "/private/7", "ann"));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal("posted by ann", await signedIn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authenticated_answers_403_without_a_login_url()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Private>("/private").Map<NoResolver>("/nobody"));
        using var client = NoRedirects(server);

        using var get = await client.SendAsync(As(HttpMethod.Get, "/private", null));
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        using var ok = await client.SendAsync(As(HttpMethod.Get, "/private", "ann"));
        Assert.Equal("ann prepare=ann", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authenticated_on_a_verb_method_guards_that_verb_only()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<PrivateGet>("/"), LoginUrl);
        using var client = NoRedirects(server);

        using var get = await client.SendAsync(As(HttpMethod.Get, "/", null));
        Assert.Equal(HttpStatusCode.Found, get.StatusCode);
        Assert.Equal("/login?next=%2F", get.Headers.Location!.OriginalString);

        using var post = await client.SendAsync(As(HttpMethod.Post, "/", null));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("posted by (none)", await post.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_failing_GetCurrentUserAsync_is_a_500_and_the_verb_does_not_run()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<FailingResolver>("/"));
        using var response = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("user store down", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_authenticated_WebSocket_without_a_user_is_refused_with_403_before_the_upgrade()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<PrivateSocket>("/ws"), LoginUrl);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => WebSocketTestClient.ConnectAsync(server.Port, "/ws"));
        Assert.Contains("403", refused.Message);

        using var raw = await server.ConnectAsync();
        await raw.SendAsync("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        Assert.Equal(403, (await raw.ReadResponseAsync()).Status);

        using var ws = await WebSocketTestClient.ConnectAsync(server.Port, "/ws?as=ann");
        Assert.Equal("hello ann", await ws.ReceiveTextAsync());
        await ws.SendTextAsync("hi");
        Assert.Equal("ann: hi", await ws.ReceiveTextAsync());
    }
}
