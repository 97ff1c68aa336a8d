using System.Collections.Concurrent;
using System.Net.WebSockets;
using Akka.Actor;
using Akka.Event;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Server;

/// <summary>
/// A graceful stop (CoordinatedShutdown: stop accepting, drain, abort, unbind) sends every message to an actor that
/// handles it: no unhandled message (the listener once told its stream supervisor to Drain) and no dead letter.
/// </summary>
public sealed class GracefulStopMessagesTests
{
    private sealed class Hello : RequestHandler
    {
        public override Task GetAsync()
        {
            Write("Hello, world");
            return Task.CompletedTask;
        }
    }

    private sealed class Echo : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage message) => WriteMessageAsync(message.Text);
    }

    /// <summary>Collects what Akka would log as unhandled or dead.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(ConcurrentQueue<string> seen)
        {
            Receive<UnhandledMessage>(m => seen.Enqueue($"unhandled {m.Message.GetType().Name} from {m.Sender.Path} to {m.Recipient.Path}"));
            Receive<DeadLetter>(m => seen.Enqueue($"dead letter {m.Message.GetType().Name} from {m.Sender.Path} to {m.Recipient.Path}"));
            Receive<Dropped>(m => seen.Enqueue($"dropped {m.Message.GetType().Name} from {m.Sender.Path} to {m.Recipient.Path}"));
        }
    }

    [Fact]
    public async Task Stopping_with_open_http_and_websocket_connections_leaves_no_unhandled_message_or_dead_letter()
    {
        var server = await TestServer.StartAsync(r => r.Map<Hello>("/").Map<Echo>("/ws"));
        var seen = new ConcurrentQueue<string>();
        var collector = server.System.ActorOf(Props.Create(() => new Collector(seen)));
        server.System.EventStream.Subscribe(collector, typeof(UnhandledMessage));
        server.System.EventStream.Subscribe(collector, typeof(DeadLetter));
        server.System.EventStream.Subscribe(collector, typeof(Dropped));

        using var http = await server.ConnectAsync();
        await http.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal("Hello, world", (await http.ReadResponseAsync()).BodyText);
        using var ws = await WebSocketTestClient.ConnectAsync(server.Port, "/ws");
        await ws.SendTextAsync("hi");
        Assert.Equal("hi", await ws.ReceiveTextAsync());

        // The client side of the stop: the WebSocket answers the server's Close, the idle HTTP connection reads to EOF.
        var wsClosed = ws.ReceiveMessageAsync(TimeSpan.FromSeconds(20));
        var httpClosed = http.WaitForCloseAsync(TimeSpan.FromSeconds(20));
        var stop = CoordinatedShutdown.Get(server.System).Run(CoordinatedShutdown.UnknownReason.Instance);
        Assert.Equal(WebSocketMessageType.Close, (await wsClosed).Type);
        Assert.True(await httpClosed);
        http.Dispose();
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
        await server.System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(seen);
        await server.DisposeAsync();
    }
}
