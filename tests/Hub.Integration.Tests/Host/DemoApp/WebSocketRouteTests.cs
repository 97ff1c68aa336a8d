using System.Net.WebSockets;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.Host.DemoApp;

/// <summary>The demo's WebSocket routes: /ws echo and /chat broadcast.</summary>
public sealed class WebSocketRouteTests
{
    private static Task<ClientWebSocket> ConnectAsync(DemoHost host, string path) => WebSocketTestClient.ConnectAsync(host.Port, path);

    [Fact]
    public async Task Ws_echoes_text_with_a_prefix_and_binary_unchanged()
    {
        await using var host = await DemoHost.StartAsync();
        using var ws = await ConnectAsync(host, "/ws");
        await ws.SendAsync(Encoding.UTF8.GetBytes("héllo"), WebSocketMessageType.Text, true, CancellationToken.None);
        var (type, data) = await ws.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("Echo: héllo", Encoding.UTF8.GetString(data));

        byte[] binary = [0, 1, 2, 255, 254];
        await ws.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (btype, bdata) = await ws.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, btype);
        Assert.Equal(binary, bdata);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task Chat_delivers_every_message_to_every_client_sender_included_in_per_sender_order()
    {
        await using var host = await DemoHost.StartAsync();
        var clients = new List<ClientWebSocket>();
        for (var i = 0; i < 5; i++) clients.Add(await ConnectAsync(host, "/chat"));
        await WebSocketTestClient.WaitForSubscribersAsync(host.Host.System, "chat", 5);

        for (var m = 0; m < 20; m++)
            await clients[m % 2].SendAsync(Encoding.UTF8.GetBytes($"{m % 2}:{m}"), WebSocketMessageType.Text, true, CancellationToken.None);
        foreach (var client in clients)
        {
            var last = new[] { -1, -1 };
            for (var i = 0; i < 20; i++)
            {
                var text = await client.ReceiveRoomTextAsync();
                var sender = int.Parse(text.Split(':')[0]);
                var seq = int.Parse(text.Split(':')[1]);
                Assert.True(seq > last[sender], $"out of order: {seq} after {last[sender]}");
                last[sender] = seq;
            }
        }
        foreach (var c in clients) c.Dispose();
    }
}
