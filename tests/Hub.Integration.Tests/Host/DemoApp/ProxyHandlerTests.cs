using System.Net;
using System.Net.Sockets;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Host.DemoApp;

public sealed class ProxyHandlerTests
{
    /// <summary>The upstream: a tiny Hub application on its own ephemeral port.</summary>
    private sealed class TeapotHandler : RequestHandler
    {
        public override Task GetAsync()
        {
            SetStatus(418);
            SetHeader("Content-Type", "application/vnd.tea+json");
            Write("""{"brew":"earl grey"}""");
            return Task.CompletedTask;
        }
    }

    private sealed class PlainHandler : RequestHandler
    {
        public override Task GetAsync()
        {
            SetHeader("Content-Type", "text/plain; charset=UTF-8");
            Write("upstream says hi");
            return Task.CompletedTask;
        }
    }

    private sealed class SilentHandler : RequestHandler
    {
        public override Task GetAsync() => Task.Delay(TimeSpan.FromSeconds(60), ConnectionClosed);
    }

    [Fact]
    public async Task Relays_status_content_type_and_body()
    {
        await using var upstream = await TestServer.StartAsync(r => r.Map<TeapotHandler>("/tea").Map<PlainHandler>("/plain"));
        await using (var host = await DemoHost.StartAsync(new Uri(upstream.BaseUri, "/tea")))
        {
            var response = await host.Client.GetAsync("/proxy");
            Assert.Equal((HttpStatusCode)418, response.StatusCode);
            Assert.Equal("application/vnd.tea+json", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("""{"brew":"earl grey"}""", await response.Content.ReadAsStringAsync());
        }
        await using (var host = await DemoHost.StartAsync(new Uri(upstream.BaseUri, "/plain")))
        {
            var response = await host.Client.GetAsync("/proxy");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("upstream says hi", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Relays_an_upstream_404()
    {
        await using var upstream = await TestServer.StartAsync(r => r.Map<PlainHandler>("/plain"));
        await using var host = await DemoHost.StartAsync(new Uri(upstream.BaseUri, "/missing"));
        var response = await host.Client.GetAsync("/proxy");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Unreachable_upstream_is_502()
    {
        // A port that was just free: nothing listens there.
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        await using var host = await DemoHost.StartAsync(new Uri($"http://127.0.0.1:{port}/"));
        var response = await host.Client.GetAsync("/proxy");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Upstream_that_never_answers_is_504_after_the_client_timeout()
    {
        await using var upstream = await TestServer.StartAsync(r => r.Map<SilentHandler>("/silent"));
        await using var host = await DemoHost.StartAsync(new Uri(upstream.BaseUri, "/silent"));
        var response = await host.Client.GetAsync("/proxy");
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task No_upstream_configured_is_503()
    {
        await using var host = await DemoHost.StartAsync();
        var response = await host.Client.GetAsync("/proxy");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
