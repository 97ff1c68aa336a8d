using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Hub.Integration.Tests.Host.DemoApp;

public sealed class ApiHandlerTests
{
    [Fact]
    public async Task Answers_the_microservice_json_after_the_delay()
    {
        await using var host = await DemoHost.StartAsync();
        var clock = Stopwatch.StartNew();
        var response = await host.Client.GetAsync("/api?delay=0.2");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.15), $"answered after {clock.Elapsed}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Hello from Hub microservice", json.RootElement.GetProperty("data").GetString());
        Assert.Equal(2, json.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task Default_delay_is_one_second()
    {
        await using var host = await DemoHost.StartAsync();
        var clock = Stopwatch.StartNew();
        var response = await host.Client.GetAsync("/api");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Invalid_delay_is_400()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/api?delay=soon");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
