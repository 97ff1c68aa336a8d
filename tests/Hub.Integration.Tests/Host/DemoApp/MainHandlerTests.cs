using System.Net;

namespace Hub.Integration.Tests.Host.DemoApp;

public sealed class MainHandlerTests
{
    [Fact]
    public async Task Get_root_answers_hello_world()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Hello, world", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_to_root_is_405_with_Allow()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.PostAsync("/", new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Unknown_path_is_404()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
