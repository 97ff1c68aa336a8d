using System.Diagnostics;
using System.Net;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Handlers;

public sealed class ConcurrencyTests
{
    private sealed class Slow : RequestHandler
    {
        public override async Task GetAsync()
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ConnectionClosed);
            Write(GetArgument("i"));
        }
    }

    [Fact]
    public async Task Five_hundred_concurrent_one_second_requests_all_complete_in_well_under_ten_seconds()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<Slow>("/slow"));
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 500, UseCookies = false })
        {
            BaseAddress = server.BaseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var clock = Stopwatch.StartNew();
        var requests = Enumerable.Range(0, 500).Select(async i =>
        {
            var response = await client.GetAsync($"/slow?i={i}");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(), Expected: i.ToString());
        }).ToArray();
        var results = await Task.WhenAll(requests);
        clock.Stop();
        Assert.All(results, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(r.Expected, r.Body);
        });
        // Serially this would take 500 s: the bound only proves handlers do not block each other.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
