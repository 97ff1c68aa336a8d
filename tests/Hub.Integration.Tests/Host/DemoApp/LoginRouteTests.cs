using System.Net;
using System.Text.Json;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>The demo's login: GET/POST /login, [Authenticated] GET /me, POST /logout, and the user in presence.</summary>
public sealed class LoginRouteTests
{
    private static HttpClient NoRedirects(DemoHost host) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = host.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30),
        };

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string name, string? next = null)
    {
        var form = new Dictionary<string, string> { ["name"] = name };
        if (next is not null) form["next"] = next;
        return await client.PostAsync("/login", new FormUrlEncodedContent(form));
    }

    /// <summary>"user=…" of the Set-Cookie a login answered with.</summary>
    private static string UserCookie(HttpResponseMessage login)
    {
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("user=", StringComparison.Ordinal));
        return setCookie[..setCookie.IndexOf(';')];
    }

    private static async Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Me_without_a_user_redirects_to_the_login_form()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = NoRedirects(host);

        using var me = await client.GetAsync("/me");
        Assert.Equal(HttpStatusCode.Found, me.StatusCode);
        Assert.Equal("/login?next=%2Fme", me.Headers.Location!.OriginalString);

        using var form = await client.GetAsync("/login?next=%2Fme");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.StartsWith("text/html", form.Content.Headers.ContentType!.ToString());
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("name=\"name\"", html);
        Assert.Contains("value=\"/me\"", html);
        Assert.DoesNotContain("_xsrf", html);
    }

    [Fact]
    public async Task Logging_in_sets_the_signed_cookie_and_me_answers_the_user_as_json()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = NoRedirects(host);

        using var login = await LoginAsync(client, "ann", "/me");
        Assert.Equal(HttpStatusCode.Found, login.StatusCode);
        Assert.Equal("/me", login.Headers.Location!.OriginalString);
        var cookie = UserCookie(login);
        Assert.StartsWith("user=2|", cookie);

        using var me = await GetWithCookieAsync(client, "/me", cookie);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("application/json", me.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"user": "ann"}""", await me.Content.ReadAsStringAsync());

        using var quoted = await LoginAsync(client, "a \"b\" <c>");
        using var meQuoted = await GetWithCookieAsync(client, "/me", UserCookie(quoted));
        using var json = JsonDocument.Parse(await meQuoted.Content.ReadAsStringAsync());
        Assert.Equal("a \"b\" <c>", json.RootElement.GetProperty("user").GetString());

        using var forged = await GetWithCookieAsync(client, "/me", cookie[..^1] + (cookie[^1] == '0' ? '1' : '0'));
        Assert.Equal(HttpStatusCode.Found, forged.StatusCode);
    }

    [Fact]
    public async Task Login_redirects_only_to_local_paths()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = NoRedirects(host);
        (string? Next, string Expected)[] cases =
        [
            (null, "/"), ("/items?x=1", "/items?x=1"), ("//evil.example/", "/"), ("/\\evil.example/", "/"),
            ("https://evil.example/", "/"), ("me", "/"),
        ];
        foreach (var (next, expected) in cases)
        {
            using var login = await LoginAsync(client, "ann", next);
            Assert.Equal(HttpStatusCode.Found, login.StatusCode);
            Assert.True(expected == login.Headers.Location!.OriginalString, $"next={next}: went to {login.Headers.Location}");
        }
    }

    [Fact]
    public async Task Logout_clears_the_cookie_and_redirects_home()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = NoRedirects(host);
        using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.Found, logout.StatusCode);
        Assert.Equal("/", logout.Headers.Location!.OriginalString);
        var cleared = Assert.Single(logout.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("user=;", cleared);
        Assert.Contains("Max-Age=0", cleared);
    }

    [Fact]
    public async Task With_xsrf_on_the_form_carries_the_token_and_a_login_without_it_is_refused()
    {
        await using var host = await DemoHost.StartAsync(overrides: "hub.security.xsrf-cookies=on");
        using var client = NoRedirects(host);
        using var form = await client.GetAsync("/login");
        Assert.Contains("name=\"_xsrf\"", await form.Content.ReadAsStringAsync());
        using var login = await LoginAsync(client, "ann");
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_chat_member_appears_in_presence_under_its_name()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = NoRedirects(host);
        using var login = await LoginAsync(client, "ann");
        var cookie = UserCookie(login);

        using var ws = await WebSocketTestClient.ConnectAsync(host.Port, "/chat?user=mallory", o => o.SetRequestHeader("Cookie", cookie));
        await WebSocketTestClient.WaitForSubscribersAsync(host.Host.System, "chat", 1);

        using var presence = JsonDocument.Parse(await client.GetStringAsync("/presence/chat"));
        Assert.Equal(["ann"], presence.RootElement.EnumerateArray().Select(m => m.GetProperty("user").GetString()));
    }
}
