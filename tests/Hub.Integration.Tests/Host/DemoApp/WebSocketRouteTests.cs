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
    public async Task Chat_delivers_every_message_to_every_client_sender_included_in_per_sender_order_as_the_text_sent()
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
                // A plain client (no hub.v1, since or envelope) gets exactly the text, as a text frame: Tornado's chat.
                var (type, data) = await client.ReceiveMessageAsync();
                Assert.Equal(WebSocketMessageType.Text, type);
                var text = Encoding.UTF8.GetString(data);
                Assert.Matches("^[01]:[0-9]+$", text);
                var sender = int.Parse(text.Split(':')[0]);
                var seq = int.Parse(text.Split(':')[1]);
                Assert.True(seq > last[sender], $"out of order: {seq} after {last[sender]}");
                last[sender] = seq;
            }
        }
        foreach (var c in clients) c.Dispose();
    }

    [Fact]
    public async Task Chat_messages_carry_positions_a_reconnect_resumes_from_one_and_presence_lists_the_members()
    {
        await using var host = await DemoHost.StartAsync();
        using var ann = await ConnectAsync(host, "/chat?user=ann&envelope=1");
        using var bob = await ConnectAsync(host, "/chat?user=bob&envelope=1");
        await WebSocketTestClient.WaitForSubscribersAsync(host.Host.System, "chat", 2);

        using var http = new HttpClient();
        using var presence = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{host.Port}/presence/chat"));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, presence.RootElement.ValueKind);
        Assert.Equal(["ann", "bob"], presence.RootElement.EnumerateArray().Select(m => m.GetProperty("user").GetString()).Order());
        Assert.All(presence.RootElement.EnumerateArray(), m => Assert.False(string.IsNullOrEmpty(m.GetProperty("member").GetString())));

        for (var i = 1; i <= 4; i++) await ann.SendTextAsync($"hello {i}");
        var frames = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 4; i++) frames.Add(await bob.ReceiveEnvelopeAsync());
        Assert.All(frames, f => Assert.Equal("message", f.GetProperty("type").GetString()));
        Assert.Equal([1L, 2L, 3L, 4L], frames.Select(f => f.GetProperty("offset").GetInt64()));
        var second = frames[1].GetProperty("position").GetString();
        Assert.Equal($"{frames[1].GetProperty("epoch").GetString()}:2", second);

        // A client that saw message 2 reconnects with since=: it gets exactly 3 and 4, announced by a joined frame.
        using var again = await ConnectAsync(host, "/chat?since=" + Uri.EscapeDataString(second!));
        var joined = await again.ReceiveEnvelopeAsync();
        Assert.Equal("joined", joined.GetProperty("type").GetString());
        Assert.True(joined.GetProperty("recovered").GetBoolean());
        Assert.Equal(2, joined.GetProperty("missed").GetInt32());
        Assert.Equal(["hello 3", "hello 4"], [await again.ReceiveRoomTextAsync(), await again.ReceiveRoomTextAsync()]);
    }

    [Theory]
    [InlineData("/chat?envelope=1", null)]
    [InlineData("/chat", "hub.v1")]
    [InlineData("/chat?presence=1", null)]
    public async Task Chat_sends_envelopes_to_a_client_that_asks_for_the_room_protocol(string path, string? subprotocol)
    {
        await using var host = await DemoHost.StartAsync();
        using var plain = await ConnectAsync(host, "/chat");
        using var enveloped = await WebSocketTestClient.ConnectAsync(host.Port, path, o => { if (subprotocol is not null) o.AddSubProtocol(subprotocol); });
        await WebSocketTestClient.WaitForSubscribersAsync(host.Host.System, "chat", 2);
        await plain.SendTextAsync("hi there");
        Assert.Equal("hi there", await plain.ReceiveTextAsync());
        Assert.Equal("hi there", await enveloped.ReceiveRoomTextAsync());
    }

    [Fact]
    public async Task Chat_refuses_an_envelope_argument_that_is_neither_1_nor_0_before_the_upgrade()
    {
        await using var host = await DemoHost.StartAsync();
        using var ws = new ClientWebSocket();
        var e = await Assert.ThrowsAsync<WebSocketException>(() =>
            ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/chat?envelope=yes"), CancellationToken.None));
        Assert.Contains("400", e.Message);
    }
}
