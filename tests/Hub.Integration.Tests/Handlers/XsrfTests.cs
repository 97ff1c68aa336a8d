using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class XsrfTests
{
    private sealed class Form : RequestHandler
    {
        public override Task GetAsync()
        {
            Write(XsrfToken);
            return Task.CompletedTask;
        }

        public override Task PostAsync() { Write("posted"); return Task.CompletedTask; }
        public override Task PutAsync() { Write("put"); return Task.CompletedTask; }
        public override Task DeleteAsync() { Write("deleted"); return Task.CompletedTask; }
    }

    private sealed class Page : RequestHandler
    {
        public override Task GetAsync()
        {
            Write(XsrfFormHtml());
            return Task.CompletedTask;
        }
    }

    private static Task<TestServer> Start(bool on = true) => TestServer.StartAsync(
        r => r.Map<Form>("/form").Map<Page>("/page"), $"hub.security.xsrf-cookies = {(on ? "on" : "off")}");

    /// <summary>A GET that hands out a token and its cookie, as a browser would see them.</summary>
    private static async Task<(string Cookie, string Token)> Fetch(HttpClient client)
    {
        var response = await client.GetAsync("/form");
        var setCookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("_xsrf=2|", setCookie);
        return (setCookie["_xsrf=".Length..setCookie.IndexOf(';')], await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> Post(HttpClient client, string? cookie, string? field = null, string? header = null,
        string method = "POST")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "/form");
        if (cookie is not null) request.Headers.Add("Cookie", "_xsrf=" + cookie);
        if (header is not null) request.Headers.Add("X-XSRFToken", header);
        request.Content = new FormUrlEncodedContent(field is null ? [new("x", "1")] : [new("_xsrf", field), new("x", "1")]);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task POST_without_a_token_is_403()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var (cookie, _) = await Fetch(client);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie)).StatusCode);
    }

    [Fact]
    public async Task POST_with_the_cookie_and_a_matching_form_field_is_accepted()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var (cookie, token) = await Fetch(client);
        Assert.NotEqual(cookie, token); // masked differently, same token underneath
        var response = await Post(client, cookie, field: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("posted", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Post(client, cookie, field: cookie)).StatusCode);
    }

    [Fact]
    public async Task The_X_XSRFToken_header_is_accepted_in_place_of_the_field_for_every_unsafe_verb()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var (cookie, token) = await Fetch(client);
        Assert.Equal("posted", await (await Post(client, cookie, header: token)).Content.ReadAsStringAsync());
        Assert.Equal("put", await (await Post(client, cookie, header: token, method: "PUT")).Content.ReadAsStringAsync());
        Assert.Equal("deleted", await (await Post(client, cookie, header: token, method: "DELETE")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie, method: "DELETE")).StatusCode);
    }

    [Fact]
    public async Task The_X_CSRFToken_header_is_accepted_too_but_a_token_without_its_cookie_is_not()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var (cookie, token) = await Fetch(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/form") { Content = new StringContent("") };
        request.Headers.Add("Cookie", "_xsrf=" + cookie);
        request.Headers.Add("X-CSRFToken", token);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie: null, field: token)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie: null, header: token)).StatusCode);
    }

    [Fact]
    public async Task A_token_from_another_session_is_403()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var (cookie, _) = await Fetch(client);
        var (_, otherToken) = await Fetch(client);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie, field: otherToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie, header: otherToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, cookie, field: "garbage")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(client, "garbage", field: "garbage")).StatusCode);
    }

    [Fact]
    public async Task GET_is_unaffected_and_an_existing_cookie_is_reused()
    {
        await using var server = await Start();
        using var client = CookielessClient.For(server);
        var (cookie, _) = await Fetch(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/page");
        request.Headers.Add("Cookie", "_xsrf=" + cookie);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<input type=\"hidden\" name=\"_xsrf\" value=\"2|", html);
        var token = html.Split('"')[5];
        Assert.Equal(HttpStatusCode.OK, (await Post(client, cookie, field: token)).StatusCode);
    }

    [Fact]
    public async Task With_the_setting_off_nothing_is_checked()
    {
        await using var server = await Start(on: false);
        using var client = CookielessClient.For(server);
        Assert.Equal(HttpStatusCode.OK, (await Post(client, cookie: null)).StatusCode);
    }
}
