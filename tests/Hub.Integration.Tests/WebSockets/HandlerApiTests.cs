using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Hub.Integration.Tests.Support;
using Hub.Messages;

namespace Hub.Integration.Tests.WebSockets;

/// <summary>The WebSocketHandler API: hooks, outbox handle, actor messages, failures, rooms from HTTP handlers.</summary>
public sealed class HandlerApiTests
{
    /// <summary>Sockets register their outbox here so tests (and HTTP handlers) can reach them.</summary>
    private sealed class Registry
    {
        public readonly ConcurrentDictionary<string, IActorRef> Outboxes = new();
        public readonly ConcurrentDictionary<string, IActorRef> Connections = new();
        public readonly ConcurrentQueue<string> Events = new();
    }

    private sealed class NamedSocket(Registry registry) : WebSocketHandler
    {
        public override Task OpenAsync()
        {
            var name = GetQueryArgument("name");
            registry.Outboxes[name] = Outbox;
            registry.Connections[name] = ConnectionRef;
            registry.Events.Enqueue($"open {name} {RouteValues["room"]}");
            return Rooms.JoinAsync(RouteValues["room"]);
        }

        public override Task OnMessageAsync(WsMessage m)
        {
            if (m.Text == "boom") throw new InvalidOperationException("handler bug");
            Rooms.Publish(RouteValues["room"], m.Text, exceptSelf: true);
            return Task.CompletedTask;
        }

        public override Task OnActorMessageAsync(object message) =>
            message is string s ? WriteMessageAsync("actor says " + s) : Task.CompletedTask;

        public override void OnClose() => registry.Events.Enqueue($"close {GetQueryArgument("name")} {CloseCode}");
    }

    /// <summary>REST → sockets: an HTTP handler publishes into a room.</summary>
    private sealed class Announce : RequestHandler
    {
        public override Task PostAsync()
        {
            Rooms.Publish(RouteValues["room"], Encoding.UTF8.GetString(Request.Body.Span));
            SetStatus(202);
            return Task.CompletedTask;
        }
    }

    private static Task<TestServer> Start(Registry registry) => TestServer.StartAsync(r => r
        .Map<NamedSocket>("/rooms/{room}", null, registry)
        .Map<Announce>("/announce/{room}"));

    private static async Task<ClientWebSocket> Connect(TestServer server, string room, string name)
    {
        var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/rooms/{room}?name={name}"), CancellationToken.None);
        return ws;
    }

    private static async Task<(WebSocketMessageType Type, string Text)> Receive(ClientWebSocket ws)
    {
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var r = await ws.ReceiveAsync(buffer, cts.Token);
        return (r.MessageType, Encoding.UTF8.GetString(buffer, 0, r.Count));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }

    private static Task WaitForRoom(TestServer server, string room, int count) =>
        WebSocketTestClient.WaitForSubscribersAsync(server.System, room, count);

    [Fact]
    public async Task Publishes_to_others_except_the_sender_and_from_HTTP_handlers_to_everyone()
    {
        var registry = new Registry();
        await using var server = await Start(registry);
        using var a = await Connect(server, "r1", "a");
        using var b = await Connect(server, "r1", "b");
        using var other = await Connect(server, "r2", "c");
        await WaitForRoom(server, "r1", 2);

        await a.SendAsync(Encoding.UTF8.GetBytes("from a"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("from a", (await Receive(b)).Text);

        var response = await server.Client.PostAsync("/announce/r1", new StringContent("from REST"));
        Assert.Equal(202, (int)response.StatusCode);
        // a skipped its own message, so the announcement is the first thing it sees.
        Assert.Equal("from REST", (await Receive(a)).Text);
        Assert.Equal("from REST", (await Receive(b)).Text);
    }

    [Fact]
    public async Task Any_code_can_send_and_close_through_the_outbox_and_tell_the_handler_things()
    {
        var registry = new Registry();
        await using var server = await Start(registry);
        using var a = await Connect(server, "r", "a");
        await WaitFor(() => registry.Outboxes.ContainsKey("a"));

        registry.Outboxes["a"].Tell(new SendText("pushed"));
        Assert.Equal("pushed", (await Receive(a)).Text);
        registry.Outboxes["a"].Tell(new SendBinary([1, 2, 3]));
        Assert.Equal(WebSocketMessageType.Binary, (await Receive(a)).Type);
        registry.Connections["a"].Tell("hi");
        Assert.Equal("actor says hi", (await Receive(a)).Text);

        registry.Outboxes["a"].Tell(new CloseConnection(4000, "bye now"));
        var (type, _) = await Receive(a);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(4000, (int)a.CloseStatus!.Value);
        Assert.Equal("bye now", a.CloseStatusDescription);
        await a.CloseOutputAsync(a.CloseStatus!.Value, null, CancellationToken.None);
        await WaitFor(() => registry.Events.Any(e => e.StartsWith("close a")));
    }

    [Fact]
    public async Task OnClose_sees_the_code_the_client_closed_with()
    {
        var registry = new Registry();
        await using var server = await Start(registry);
        using var a = await Connect(server, "r", "a");
        await WaitFor(() => registry.Outboxes.ContainsKey("a"));
        await a.CloseAsync((WebSocketCloseStatus)4001, "done", CancellationToken.None);
        Assert.Equal(4001, (int)a.CloseStatus!.Value);
        await WaitFor(() => registry.Events.Any(e => e.StartsWith("close a")));
        Assert.Contains("close a 4001", registry.Events);
    }

    [Fact]
    public async Task An_exception_in_OnMessageAsync_closes_with_1011_and_others_carry_on()
    {
        var registry = new Registry();
        await using var server = await Start(registry);
        using var a = await Connect(server, "r", "a");
        using var b = await Connect(server, "r", "b");
        await WaitForRoom(server, "r", 2);
        await a.SendAsync(Encoding.UTF8.GetBytes("boom"), WebSocketMessageType.Text, true, CancellationToken.None);
        var (type, _) = await Receive(a);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, a.CloseStatus);
        // a's leave first: otherwise "2 members" could still be a and b, and b's message could precede c's join.
        await WaitForRoom(server, "r", 1);

        using var c = await Connect(server, "r", "c");
        await WaitForRoom(server, "r", 2);
        await b.SendAsync(Encoding.UTF8.GetBytes("hello c"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Equal("hello c", (await Receive(c)).Text);
    }

    [Fact]
    public async Task Leaves_rooms_and_runs_OnClose_when_the_client_goes_away()
    {
        var registry = new Registry();
        await using var server = await Start(registry);
        var a = await Connect(server, "gone", "a");
        await WaitForRoom(server, "gone", 1);
        a.Abort();
        a.Dispose();
        await WaitFor(() => registry.Events.Any(e => e.StartsWith("close a")));
        var rooms = Hub.Server.Hosting.HubExtension.Get(server.System).Rooms;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await rooms.GetSubscriberCountsAsync()).ContainsKey("gone"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the closed socket is still in its room");
            await Task.Delay(20);
        }
    }
}
