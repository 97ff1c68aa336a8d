using System.Diagnostics;
using System.Net;

namespace Hub.Integration.Tests.Host.DemoApp;

public sealed class AsyncHandlerTests
{
    [Fact]
    public async Task Waits_the_delay_then_answers_Async_Response()
    {
        await using var host = await DemoHost.StartAsync();
        var clock = Stopwatch.StartNew();
        var response = await host.Client.GetAsync("/async?delay=0.3");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Async Response", await response.Content.ReadAsStringAsync());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.25), $"answered after {clock.Elapsed}, before the delay");
    }

    [Fact]
    public async Task Default_delay_is_two_seconds()
    {
        await using var host = await DemoHost.StartAsync();
        var clock = Stopwatch.StartNew();
        var response = await host.Client.GetAsync("/async");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Five_hundred_concurrent_requests_waiting_one_second_finish_in_well_under_ten_seconds()
    {
        await using var host = await DemoHost.StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 500 })
        {
            BaseAddress = host.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(async _ =>
        {
            using var response = await client.GetAsync("/async?delay=1");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }));
        clock.Stop();
        Assert.All(responses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("Async Response", r.Body);
        });
        // Serialised, 500 one-second waits would take 500 s: under 10 s proves they wait side by side.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"500 concurrent requests took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e9")]
    [InlineData("1,5")]
    public async Task Invalid_delay_is_400(string delay)
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/async?delay=" + Uri.EscapeDataString(delay));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_request_outliving_the_idle_timeout_is_not_cut()
    {
        await using var host = await DemoHost.StartAsync(idleTimeout: TimeSpan.FromSeconds(1));
        var response = await host.Client.GetAsync("/async?delay=2.5");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Async Response", await response.Content.ReadAsStringAsync());
    }
}
