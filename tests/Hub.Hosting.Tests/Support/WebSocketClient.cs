using System.Net.WebSockets;
using System.Text;

namespace Hub.Hosting.Tests.Support;

/// <summary>ClientWebSocket helpers with bounded waits.</summary>
internal static class WebSocketClient
{
    public static async Task<ClientWebSocket> ConnectAsync(HubEndpoint endpoint, string path)
    {
        var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(HostedHub.Bound);
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{endpoint.Port}{path}"), cts.Token);
        return ws;
    }

    public static Task SendTextAsync(this ClientWebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>One whole text message, reassembled from however many frames it came in.</summary>
    public static async Task<string> ReceiveTextAsync(this ClientWebSocket ws)
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        using var cts = new CancellationTokenSource(HostedHub.Bound);
        WebSocketReceiveResult r;
        do
        {
            r = await ws.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, r.Count);
        } while (!r.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    /// <summary>Waits (bounded) until <paramref name="room"/> has a subscriber on this node.</summary>
    public static async Task WaitForSubscriberAsync(IRooms rooms, string room)
    {
        var deadline = DateTime.UtcNow + HostedHub.Bound;
        while (true)
        {
            var counts = await rooms.GetSubscriberCountsAsync();
            if (counts.TryGetValue(room, out var n) && n > 0) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"nobody joined {room}");
            await Task.Delay(20);
        }
    }
}
