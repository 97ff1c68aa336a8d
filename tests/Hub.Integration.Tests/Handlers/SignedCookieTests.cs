using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class SignedCookieTests
{
    private const string Secrets = """hub.security.cookie-secrets = ["new-secret", "old-secret"]""";

    private sealed class Login : RequestHandler
    {
        public override Task GetAsync()
        {
            SetSignedCookie("user", GetArgument("name"));
            return Task.CompletedTask;
        }
    }

    private sealed class WhoAmI : RequestHandler
    {
        public override Task GetAsync()
        {
            var maxAge = GetArgument("maxAge", null) is { } s ? TimeSpan.FromSeconds(int.Parse(s)) : (TimeSpan?)null;
            Write(GetSignedCookie("user", maxAge) ?? "(null)");
            return Task.CompletedTask;
        }
    }

    private static Task<TestServer> Start(string hocon = Secrets) =>
        TestServer.StartAsync(r => r.Map<Login>("/login").Map<WhoAmI>("/me"), hocon);

    private static async Task<string> Me(HttpClient client, string cookie, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me" + query);
        request.Headers.Add("Cookie", "user=" + cookie);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> SignedValueFrom(HttpClient client, string name)
    {
        var response = await client.GetAsync("/login?name=" + Uri.EscapeDataString(name));
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("user=2|", setCookie);
        Assert.Contains("; Max-Age=2678400;", setCookie); // 31 days, hub.security.signed-cookie-max-age
        Assert.Contains("; HttpOnly", setCookie);
        Assert.Contains("; SameSite=Lax", setCookie);
        return setCookie["user=".Length..setCookie.IndexOf(';')];
    }

    [Fact]
    public async Task A_signed_cookie_round_trips()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var value = await SignedValueFrom(client, "ann ëlise");
        Assert.Equal("ann ëlise", await Me(client, value));
    }

    [Fact]
    public async Task A_tampered_value_reads_as_null()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var value = await SignedValueFrom(client, "ann");
        var forged = value.Replace(Convert.ToBase64String("ann"u8), Convert.ToBase64String("bob"u8));
        Assert.NotEqual(value, forged);
        Assert.Equal("(null)", await Me(client, forged));
        Assert.Equal("(null)", await Me(client, value[..^1] + (value[^1] == 'a' ? 'b' : 'a')));
        Assert.Equal("(null)", await Me(client, "ann"));
    }

    [Fact]
    public async Task An_expired_cookie_reads_as_null()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var old = SignedValue.Create(["new-secret"], "user", "ann", DateTimeOffset.UtcNow - TimeSpan.FromHours(2));
        Assert.Equal("ann", await Me(client, old));
        Assert.Equal("(null)", await Me(client, old, "?maxAge=3600"));
        var ancient = SignedValue.Create(["new-secret"], "user", "ann", DateTimeOffset.UtcNow - TimeSpan.FromDays(32));
        Assert.Equal("(null)", await Me(client, ancient));
    }

    [Fact]
    public async Task A_cookie_signed_with_the_previous_secret_still_verifies_while_it_is_listed()
    {
        var byOld = SignedValue.Create(["old-secret"], "user", "ann", DateTimeOffset.UtcNow);
        await using (var rotating = await Start())
        {
            using var client = CookielessClient.For(rotating);
            Assert.Equal("ann", await Me(client, byOld));
            // New cookies are signed with the first secret only.
            var fresh = await SignedValueFrom(client, "ann");
            Assert.NotNull(SignedValue.Decode(["new-secret"], "user", fresh, TimeSpan.FromDays(1), DateTimeOffset.UtcNow));
            Assert.Null(SignedValue.Decode(["old-secret"], "user", fresh, TimeSpan.FromDays(1), DateTimeOffset.UtcNow));
        }
        await using var retired = await Start("""hub.security.cookie-secrets = ["new-secret"]""");
        using var retiredClient = CookielessClient.For(retired);
        Assert.Equal("(null)", await Me(retiredClient, byOld));
    }

    [Fact]
    public async Task Without_a_configured_secret_signed_cookies_fail_with_a_500_naming_the_setting()
    {
        await using var server = await Start("hub.http.verbose-error-messages = on");
        using var client = CookielessClient.For(server);
        var set = await client.GetAsync("/login?name=ann");
        Assert.Equal(HttpStatusCode.InternalServerError, set.StatusCode);
        Assert.Contains("hub.security.cookie-secrets", await set.Content.ReadAsStringAsync());
        Assert.False(set.Headers.Contains("Set-Cookie"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Add("Cookie", "user=anything");
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task An_infinite_max_age_sends_a_session_cookie_that_never_expires()
    {
        await using var server = await Start(Secrets + "\nhub.security.signed-cookie-max-age = infinite");
        using var client = CookielessClient.For(server);
        var response = await client.GetAsync("/login?name=ann");
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.DoesNotContain("Max-Age", setCookie);
        var ancient = SignedValue.Create(["new-secret"], "user", "ann", DateTimeOffset.UtcNow - TimeSpan.FromDays(3650));
        Assert.Equal("ann", await Me(client, ancient));
    }
}
