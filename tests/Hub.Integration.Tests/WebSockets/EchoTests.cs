using System.Net.WebSockets;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.WebSockets;

public sealed class EchoTests
{
    private sealed class EchoSocket : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage m) =>
            m.IsText ? WriteMessageAsync("Echo: " + m.Text) : WriteMessageAsync(m.Data);
    }

    [Fact]
    public async Task Echoes_text_and_binary_over_ClientWebSocket()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EchoSocket>("/ws"));
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), CancellationToken.None);

        await ws.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var (type, data) = await ws.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("Echo: hello", Encoding.UTF8.GetString(data));

        var binary = new byte[100_000];
        new Random(7).NextBytes(binary);
        await ws.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (btype, bdata) = await ws.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, btype);
        Assert.Equal(binary, bdata);

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }
}
