using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Hub.Configuration;
using Hub.Server.Hosting;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.WebSockets;

/// <summary>Rooms: every subscriber gets every message in per-publisher order; slow consumers meet the policy.</summary>
public sealed class BroadcastTests
{
    private sealed class ChatSocket : WebSocketHandler
    {
        public override Task OpenAsync() => Rooms.JoinAsync("chat");

        public override Task OnMessageAsync(WsMessage m)
        {
            Rooms.Publish("chat", m.Text);
            return Task.CompletedTask;
        }
    }

    private sealed class LossyChatSocket : WebSocketHandler
    {
        public override OverflowPolicy OverflowPolicy => OverflowPolicy.DropOldest;
        public override Task OpenAsync() => Rooms.JoinAsync("chat");
    }

    private static Task WaitForSubscribersAsync(TestServer server, string room, int count) =>
        WebSocketTestClient.WaitForSubscribersAsync(server.System, room, count);

    private static Task<ClientWebSocket> ConnectAsync(TestServer server, string path) =>
        WebSocketTestClient.ConnectAsync(server.Port, path);

    private static async Task<List<string>> ReceiveTextsAsync(ClientWebSocket ws, int count, TimeSpan timeout)
    {
        var result = new List<string>(count);
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(timeout);
        var ms = new MemoryStream();
        while (result.Count < count)
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            if (r.MessageType == WebSocketMessageType.Close) break;
            ms.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            result.Add(Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length));
            ms.SetLength(0);
        }
        return result;
    }

    [Fact]
    public async Task Two_hundred_clients_get_every_message_of_five_senders_in_per_sender_order()
    {
        const int clients = 200, senders = 5, perSender = 250;
        await using var server = await TestServer.StartAsync(r => r.Map<ChatSocket>("/chat"));
        var sockets = new ClientWebSocket[clients];
        for (var i = 0; i < clients; i++) sockets[i] = await ConnectAsync(server, "/chat");
        await WaitForSubscribersAsync(server, "chat", clients);

        var receivers = sockets.Select(s => ReceiveTextsAsync(s, senders * perSender, TimeSpan.FromSeconds(90))).ToArray();
        var sending = Enumerable.Range(0, senders).Select(async s =>
        {
            for (var m = 0; m < perSender; m++)
                await sockets[s].SendAsync(Encoding.UTF8.GetBytes($"{s}:{m}"), WebSocketMessageType.Text, true, CancellationToken.None);
        }).ToArray();
        await Task.WhenAll(sending);
        var received = await Task.WhenAll(receivers);

        foreach (var messages in received)
        {
            Assert.Equal(senders * perSender, messages.Count);
            var next = new int[senders];
            foreach (var text in messages)
            {
                var parts = text.Split(':');
                var sender = int.Parse(parts[0]);
                Assert.Equal(next[sender], int.Parse(parts[1]));
                next[sender]++;
            }
        }
        foreach (var s in sockets) s.Dispose();
    }

    [Fact]
    public async Task A_client_that_never_reads_is_closed_while_a_hundred_others_receive_everything()
    {
        const int healthy = 100, messages = 400;
        await using var server = await TestServer.StartAsync(r => r.Map<ChatSocket>("/chat"),
            "hub.websocket { outbound-queue-max-bytes = 64k, close-timeout = 1s }\nhub.server.socket-send-buffer = 16k");
        var sockets = new ClientWebSocket[healthy];
        for (var i = 0; i < healthy; i++) sockets[i] = await ConnectAsync(server, "/chat");
        using var publisher = await ConnectAsync(server, "/chat");
        // The slow one: a raw socket with a tiny receive buffer that completes the handshake and then never reads.
        using var slow = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
        {
            ReceiveBufferSize = 4096,
        };
        await slow.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        await slow.SendAsync(Encoding.ASCII.GetBytes(
            "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        await WaitForSubscribersAsync(server, "chat", healthy + 2);

        var receivers = sockets.Select(s => ReceiveTextsAsync(s, messages, TimeSpan.FromSeconds(60))).ToArray();
        await PublishPacedAsync(publisher, messages, new string('x', 2000));
        var received = await Task.WhenAll(receivers);
        Assert.All(received, r => Assert.Equal(messages, r.Count));

        // 800 KB were published; the slow socket's queue holds 64 KiB: it was closed and left the room.
        await WaitUntilAsync(async () =>
        {
            var counts = await HubExtension.Get(server.System).Rooms.GetSubscriberCountsAsync();
            return counts.TryGetValue("chat", out var n) && n == healthy + 1;
        }, TimeSpan.FromSeconds(20));
        foreach (var s in sockets) s.Dispose();
    }

    [Fact]
    public async Task A_drop_oldest_subscriber_keeps_the_newest_messages_in_order()
    {
        const int messages = 600;
        await using var server = await TestServer.StartAsync(r => r.Map<ChatSocket>("/chat").Map<LossyChatSocket>("/lossy"),
            "hub.websocket { outbound-queue-max-bytes = 32k }\nhub.server.socket-send-buffer = 16k");
        using var publisher = await ConnectAsync(server, "/chat");
        // A small receive buffer on the lossy client keeps the kernel from absorbing the whole burst.
        var lossy = new ClientWebSocket();
        lossy.Options.SetBuffer(4096, 4096);
        await lossy.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/lossy"), CancellationToken.None);
        await WaitForSubscribersAsync(server, "chat", 2);

        // The publisher gets its own copies: once the last one is back, every publish has been fanned out.
        await PublishPacedAsync(publisher, messages, new string('y', 1000));
        await Task.Delay(500);

        var got = new List<int>();
        while (got.Count == 0 || got[^1] != messages - 1)
        {
            var texts = await ReceiveTextsAsync(lossy, 1, TimeSpan.FromSeconds(10));
            got.Add(int.Parse(texts.Single().Split(':')[0]));
        }
        Assert.True(got.Count < messages, $"expected drops, got all {got.Count}");
        Assert.Equal(got.OrderBy(x => x), got);
        Assert.Equal(got.Distinct().Count(), got.Count);
    }

    /// <summary>Publishes one message at a time, each after the previous one came back: a publisher that does not
    /// outrun healthy subscribers (it is one of them).</summary>
    private static async Task PublishPacedAsync(ClientWebSocket publisher, int messages, string payload)
    {
        for (var m = 0; m < messages; m++)
        {
            await publisher.SendAsync(Encoding.UTF8.GetBytes($"{m}:{payload}"), WebSocketMessageType.Text, true, CancellationToken.None);
            var echo = await ReceiveTextsAsync(publisher, 1, TimeSpan.FromSeconds(10));
            Assert.StartsWith($"{m}:", echo.Single());
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            await Task.Delay(100);
        }
    }
}
