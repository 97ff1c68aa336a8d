using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ForwardedHeadersTests
{
    private sealed class Who : RequestHandler
    {
        public override Task GetAsync()
        {
            Write($"{Request.RemoteIp} {Request.Protocol} {Request.RemoteEndPoint!.Address} {Request.FullUrl()}");
            return Task.CompletedTask;
        }
    }

    private static Task<TestServer> Start(string trusted) =>
        TestServer.StartAsync(r => r.Map<Who>("/"), $"hub.http.trusted-proxies = {trusted}");

    private static async Task<string> Ask(TestServer server, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        var response = await server.Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task X_Forwarded_For_and_X_Forwarded_Proto_from_a_trusted_peer_are_honoured()
    {
        await using var server = await Start("""["127.0.0.1"]""");
        var answer = await Ask(server, ("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"));
        Assert.Equal($"203.0.113.9 https 127.0.0.1 https://127.0.0.1:{server.Port}/", answer);
    }

    [Fact]
    public async Task X_Real_IP_from_a_trusted_peer_is_honoured()
    {
        await using var server = await Start("""["127.0.0.1"]""");
        Assert.StartsWith("198.51.100.23 http ", await Ask(server, ("X-Real-IP", "198.51.100.23")));
    }

    [Fact]
    public async Task A_chain_resolves_to_the_right_most_address_that_is_not_a_trusted_proxy()
    {
        await using var server = await Start("""["127.0.0.1", "10.1.1.1"]""");
        Assert.StartsWith("203.0.113.9 ", await Ask(server, ("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.1.1.1")));
    }

    [Fact]
    public async Task With_no_trusted_proxies_the_headers_are_ignored()
    {
        await using var server = await Start("[]");
        var answer = await Ask(server, ("X-Forwarded-For", "203.0.113.9"), ("X-Real-IP", "198.51.100.23"), ("X-Forwarded-Proto", "https"));
        Assert.Equal($"127.0.0.1 http 127.0.0.1 http://127.0.0.1:{server.Port}/", answer);
    }

    [Fact]
    public async Task A_peer_that_is_not_in_the_list_is_not_believed()
    {
        await using var server = await Start("""["10.9.9.9"]""");
        Assert.StartsWith("127.0.0.1 http ", await Ask(server, ("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https")));
    }
}
