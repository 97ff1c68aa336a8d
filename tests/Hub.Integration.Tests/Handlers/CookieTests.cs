using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class CookieTests
{
    private sealed class Sets(Probe probe) : RequestHandler
    {
        public override Task GetAsync()
        {
            SetCookie("plain", "v1");
            SetCookie("full", "v2", domain: "example.test", expires: new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
                path: "/app", maxAge: TimeSpan.FromHours(1), httpOnly: true, secure: true, sameSite: SameSiteMode.Strict);
            SetCookie("nopath", "v3", path: null, sameSite: SameSiteMode.None, secure: true);
            SetCookie("session", "v4", maxAge: Timeout.InfiniteTimeSpan);
            ClearCookie("old");
            ClearCookie("scoped", path: "/app", domain: "example.test");
            foreach (var (name, value, path) in new[]
                     {
                         ("bad name", "v", "/"), ("x", "a;b", "/"), ("x", "a b", "/"), ("x", "a,b", "/"), ("x", "a\"b", "/"),
                         ("x", "é", "/"), ("x", "v", "/; Domain=evil.test"), ("x", "v", "/\r\nX: 1"),
                     })
            {
                try { SetCookie(name, value, path: path); probe.Record("accepted", name + "=" + value + " " + path); }
                catch (ArgumentException) { probe.Record("refused"); }
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task SetCookie_and_ClearCookie_send_one_Set_Cookie_line_each_with_the_attributes_asked_for()
    {
        var probe = new Probe();
        await using var server = await TestServer.StartAsync(r => r.Map<Sets>("/", null, probe));
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        var response = await conn.ReadResponseAsync();
        Assert.Equal(200, response.Status);
        Assert.Equal(
        [
            "plain=v1; Path=/",
            "full=v2; Domain=example.test; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=3600; Path=/app; Secure; HttpOnly; SameSite=Strict",
            "nopath=v3; Secure; SameSite=None",
            "session=v4; Path=/",
            "old=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
            "scoped=; Domain=example.test; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/app",
        ], response.HeaderValues("Set-Cookie"));
        Assert.Equal(Enumerable.Repeat("refused", 8), probe.Events);
    }

    [Fact]
    public async Task HttpClient_cookie_container_accepts_and_returns_them()
    {
        var probe = new Probe();
        await using var server = await TestServer.StartAsync(r => r.Map<Sets>("/", null, probe));
        var cookies = new System.Net.CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseUri };
        await client.GetAsync("/");
        var got = cookies.GetCookies(server.BaseUri);
        Assert.Equal("v1", got["plain"]?.Value);
        Assert.Equal("v4", got["session"]?.Value);
        Assert.Null(got["old"]);
    }
}
