using System.Net;

namespace Hub.Integration.Tests.Host;

/// <summary>What a graceful stop promises to clients whose requests are in flight.</summary>
public sealed class GracefulStopTests
{
    // Akka.IO's TcpListener stops its accepted connections when unbound, so the listener refuses new connections
    // and drains open ones before it unbinds.
    [Fact]
    public async Task A_request_in_flight_when_the_stop_begins_is_answered()
    {
        await using var host = await DemoHost.StartAsync();
        var inFlight = host.Client.GetAsync("/async?delay=1.5");
        // Let the request reach its handler before the stop begins.
        await Task.Delay(500);
        var stop = host.Host.StopAsync();
        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Async Response", await response.Content.ReadAsStringAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_open_event_stream_ends_cleanly_when_the_stop_begins_instead_of_holding_it_up()
    {
        // With the default 10 s drain budget, a stream that held up the stop would end only after 10 s.
        await using var host = await DemoHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        var body = response.Content.ReadAsStringAsync();
        var started = DateTime.UtcNow;
        await host.Host.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        // The stream finished as a complete chunked response (no exception reading it), long before drain-timeout.
        await body.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(7), "the event stream held up the stop until drain-timeout");
    }

    [Fact]
    public async Task Open_websockets_are_closed_with_1001_going_away()
    {
        await using var host = await DemoHost.StartAsync();
        using var ws = await Hub.Integration.Tests.Support.WebSocketTestClient.ConnectAsync(host.Port, "/ws");
        await Hub.Integration.Tests.Support.WebSocketTestClient.SendTextAsync(ws, "hi");
        Assert.Equal("Echo: hi", await Hub.Integration.Tests.Support.WebSocketTestClient.ReceiveTextAsync(ws));
        var receive = Hub.Integration.Tests.Support.WebSocketTestClient.ReceiveMessageAsync(ws, TimeSpan.FromSeconds(20));
        var stop = host.Host.StopAsync();
        var (type, _) = await receive;
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Close, type);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, ws.CloseStatus); // 1001
        await ws.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
