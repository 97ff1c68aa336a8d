using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Hub.Testing.Tests;

public sealed class HubTestServerTests
{
    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("hello");
            return Task.CompletedTask;
        }
    }

    private sealed class Moved : RequestHandler
    {
        public override Task GetAsync()
        {
            Redirect("/");
            return Task.CompletedTask;
        }
    }

    /// <summary>Holds its response open until the server stops (like an event stream).</summary>
    private sealed class Forever : RequestHandler
    {
        public override async Task GetAsync()
        {
            Write("started\n");
            await FlushAsync();
            await Task.Delay(Timeout.Infinite, ServerStopping);
        }
    }

    private sealed class Echo : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage message) => WriteMessageAsync(message.Text);
    }

    private static Application App() => new(r => r.Map<Hello>("/").Map<Moved>("/moved").Map<Forever>("/forever").Map<Echo>("/ws"));

    [Fact]
    public async Task Serves_the_application_on_a_free_loopback_port_with_a_bound_client()
    {
        await using var first = await HubTestServer.StartAsync(App());
        await using var second = await HubTestServer.StartAsync(App());

        Assert.NotEqual(first.Port, second.Port);
        Assert.Equal(new Uri($"http://127.0.0.1:{first.Port}/"), first.BaseAddress);
        Assert.Equal("hello", await first.Client.GetStringAsync("/"));
        Assert.Equal("hello", await second.Client.GetStringAsync(second.Url("/moved")));
    }

    [Fact]
    public async Task Hocon_from_configure_applies_over_the_defaults()
    {
        await using var server = await HubTestServer.StartAsync(App(), o => o
            .Configure("""hub.http.server-header = "first" """)
            .Configure("""hub.http.server-header = "second" """));

        using var response = await server.Client.GetAsync("/");
        Assert.Equal("second", response.Headers.Server.ToString());
        Assert.Equal("127.0.0.1", server.Binding.Settings.Server.Hostname);
    }

    [Fact]
    public async Task Another_client_can_show_redirects()
    {
        await using var server = await HubTestServer.StartAsync(App());
        using var client = server.CreateClient(allowAutoRedirect: false);

        using var response = await client.GetAsync("/moved");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Connects_websockets_and_reports_a_refused_upgrade()
    {
        await using var server = await HubTestServer.StartAsync(App());
        using var ws = await server.ConnectWebSocketAsync("/ws");
        await ws.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await ws.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, received.Count));

        await Assert.ThrowsAsync<WebSocketException>(() => server.ConnectWebSocketAsync("/nowhere"));
        Assert.Equal(new Uri($"ws://127.0.0.1:{server.Port}/ws?x=1"), server.WebSocketUrl("/ws?x=1"));
    }

    [Fact]
    public async Task Dispose_stops_gracefully_within_the_bound_and_frees_the_port()
    {
        var server = await HubTestServer.StartAsync(App(), o => o.StopTimeout = TimeSpan.FromSeconds(10));
        var port = server.Port;
        using var open = await server.ConnectWebSocketAsync("/ws");
        using var streaming = await server.Client.GetAsync("/forever", HttpCompletionOption.ResponseHeadersRead);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();

        Assert.InRange(stopping.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.True(server.System.WhenTerminated.IsCompleted);
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync(IPAddress.Loopback, port));
        await server.DisposeAsync(); // a second dispose does nothing
    }
}
