using System.Net;
using System.Net.WebSockets;
using System.Text;
using Hub.Core.Tests.Diagnostics;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Diagnostics;

/// <summary>
/// The Hub meter seen from outside: a real server, a MeterListener, and only the measurements tagged with this
/// server's port (test classes run in parallel in one process, each with its own server and port).
/// </summary>
public sealed class MetricsTests
{
    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("hello");
            return Task.CompletedTask;
        }
    }

    private sealed class Echo : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage m) => WriteMessageAsync("Echo: " + m.Text);
    }

    private static double Sum(MetricsRecorder recorder, string instrument, int port, string? tag = null, object? value = null) =>
        Mine(recorder, instrument, port, tag, value).Sum(m => m.Value);

    private static IEnumerable<MetricsRecorder.Recorded> Mine(MetricsRecorder recorder, string instrument, int port, string? tag = null, object? value = null) =>
        recorder.Of(instrument).Where(m => Equals(m.Tag("server.port"), port) && (tag is null || Equals(m.Tag(tag), value)));

    /// <summary>Measurements made on the server's threads may trail what the client has seen: poll, bounded.</summary>
    private static async Task EventuallyAsync(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for: " + describe());
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task N_requests_move_the_request_counter_and_duration_histogram_by_N_in_their_status_class()
    {
        using var recorder = new MetricsRecorder();
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/"));
        const int ok = 5, missing = 2;

        for (var i = 0; i < ok; i++) Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/")).StatusCode);
        for (var i = 0; i < missing; i++) Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("/missing/x")).StatusCode);

        const string cls = "http.response.status_class";
        Assert.Equal(ok, Sum(recorder, "hub.http.server.requests", server.Port, cls, "2xx"));
        Assert.Equal(missing, Sum(recorder, "hub.http.server.requests", server.Port, cls, "4xx"));
        var durations = Mine(recorder, "hub.http.server.request.duration", server.Port, cls, "2xx").ToList();
        Assert.Equal(ok, durations.Count);
        Assert.All(durations, d => Assert.InRange(d.Value, 0, 30));
        Assert.Equal(missing, Mine(recorder, "hub.http.server.request.duration", server.Port, cls, "4xx").Count());

        Assert.True(Sum(recorder, "hub.server.received_bytes", server.Port) > 0);
        Assert.True(Sum(recorder, "hub.server.sent_bytes", server.Port) > 0);
        await EventuallyAsync(() => Sum(recorder, "hub.server.accepted_connections", server.Port) >= 1, () => "an accepted connection");
    }

    [Fact]
    public async Task An_open_WebSocket_counts_as_one_until_it_closes_and_its_messages_are_counted()
    {
        using var recorder = new MetricsRecorder();
        await using var server = await TestServer.StartAsync(r => r.Map<Echo>("/ws"));
        const string kind = "hub.connection.kind";
        double Open(string k) => Sum(recorder, "hub.server.active_connections", server.Port, kind, k);

        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), CancellationToken.None);
        await EventuallyAsync(() => Open("websocket") == 1 && Open("http") == 0, () => $"websocket={Open("websocket")} http={Open("http")}");

        await ws.SendAsync(Encoding.UTF8.GetBytes("hi"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("Echo: hi", await ws.ReceiveTextAsync());
        Assert.Equal(1, Sum(recorder, "hub.websocket.received_messages", server.Port));
        Assert.Equal(1, Sum(recorder, "hub.websocket.sent_messages", server.Port));
        Assert.Equal(1, Sum(recorder, "hub.http.server.requests", server.Port, "http.response.status_class", "1xx"));

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await EventuallyAsync(() => Open("websocket") == 0, () => $"websocket={Open("websocket")}");
        var close = Assert.Single(Mine(recorder, "hub.websocket.closes", server.Port));
        Assert.Equal(1000, close.Tag("hub.websocket.close.code"));
    }

    [Fact]
    public async Task A_malformed_request_counts_as_a_rejection_with_its_reason_and_a_4xx_response()
    {
        using var recorder = new MetricsRecorder();
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/"));
        using var connection = await server.ConnectAsync();

        await connection.SendAsync("NOT AN HTTP REQUEST\r\n\r\n");
        Assert.Equal(400, (await connection.ReadResponseAsync()).Status);

        var rejection = Assert.Single(Mine(recorder, "hub.http.server.rejected_requests", server.Port));
        Assert.Equal(400, rejection.Tag("http.response.status_code"));
        Assert.Equal("malformed-request-line", rejection.Tag("hub.rejection.reason"));
        Assert.Equal(1, Sum(recorder, "hub.http.server.requests", server.Port, "http.response.status_class", "4xx"));
    }

    [Fact]
    public async Task A_connection_over_max_connections_counts_as_rejected()
    {
        using var recorder = new MetricsRecorder();
        await using var server = await TestServer.StartAsync(r => r.Map<Hello>("/"), "hub.server.max-connections = 1");
        using var first = await server.ConnectAsync();
        await first.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal(200, (await first.ReadResponseAsync()).Status);

        // Refused at once: the reset may even beat the client's own connect completion.
        try
        {
            using var second = await server.ConnectAsync();
            Assert.True(await second.WaitForCloseAsync());
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
        }

        await EventuallyAsync(() => Sum(recorder, "hub.server.rejected_connections", server.Port, "hub.rejection.reason", "max-connections") == 1,
            () => "one max-connections rejection");
        Assert.Equal(1, Sum(recorder, "hub.server.accepted_connections", server.Port));
    }
}
