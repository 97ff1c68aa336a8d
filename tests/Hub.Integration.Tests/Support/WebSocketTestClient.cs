using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Hub.Server.Hosting;

namespace Hub.Integration.Tests.Support;

/// <summary>ClientWebSocket helpers shared by the WebSocket integration tests.</summary>
public static class WebSocketTestClient
{
    public static async Task<ClientWebSocket> ConnectAsync(int port, string path, Action<ClientWebSocketOptions>? configure = null)
    {
        var ws = new ClientWebSocket();
        configure?.Invoke(ws.Options);
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}"), CancellationToken.None);
        return ws;
    }

    public static Task SendTextAsync(this ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>One whole message (or the Close), reassembled from however many frames it came in.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(this ClientWebSocket ws, TimeSpan? timeout = null)
    {
        var buffer = new byte[64 * 1024];
        var ms = new MemoryStream();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        WebSocketReceiveResult r;
        do
        {
            r = await ws.ReceiveAsync(buffer, cts.Token);
            ms.Write(buffer, 0, r.Count);
        } while (!r.EndOfMessage);
        return (r.MessageType, ms.ToArray());
    }

    public static async Task<string> ReceiveTextAsync(this ClientWebSocket ws, TimeSpan? timeout = null) =>
        Encoding.UTF8.GetString((await ws.ReceiveMessageAsync(timeout)).Data);

    /// <summary>The next frame of a room endpoint (docs/rooms-protocol.md), parsed.</summary>
    public static async Task<System.Text.Json.JsonElement> ReceiveEnvelopeAsync(this ClientWebSocket ws, TimeSpan? timeout = null) =>
        System.Text.Json.JsonDocument.Parse(await ws.ReceiveTextAsync(timeout)).RootElement.Clone();

    /// <summary>The text of the next <c>message</c> frame of a room endpoint, skipping other frame types.</summary>
    public static async Task<string> ReceiveRoomTextAsync(this ClientWebSocket ws, TimeSpan? timeout = null)
    {
        for (var i = 0; i < 1000; i++)
        {
            var frame = await ws.ReceiveEnvelopeAsync(timeout);
            if (frame.GetProperty("type").GetString() == "message") return frame.GetProperty("text").GetString()!;
        }
        throw new InvalidOperationException("no message frame among 1000 frames");
    }

    /// <summary>Waits (bounded) until <paramref name="room"/> has <paramref name="count"/> subscribers on this node.</summary>
    public static async Task WaitForSubscribersAsync(ActorSystem system, string room, int count, TimeSpan? timeout = null)
    {
        var rooms = HubExtension.Get(system).Rooms;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var counts = await rooms.GetSubscriberCountsAsync();
            var n = counts.TryGetValue(room, out var c) ? c : 0;
            if (n == count) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{room} has {n} of {count} subscribers");
            await Task.Delay(20);
        }
    }
}
