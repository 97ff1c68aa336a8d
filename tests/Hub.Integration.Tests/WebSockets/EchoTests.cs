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

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(ClientWebSocket ws)
    {
        var buffer = new byte[1 << 20];
        var ms = new MemoryStream();
        WebSocketReceiveResult r;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        do
        {
            r = await ws.ReceiveAsync(buffer, cts.Token);
            ms.Write(buffer, 0, r.Count);
        } while (!r.EndOfMessage);
        return (r.MessageType, ms.ToArray());
    }

    [Fact]
    public async Task Echoes_text_and_binary_over_ClientWebSocket()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EchoSocket>("/ws"));
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), CancellationToken.None);

        await ws.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, true, CancellationToken.None);
        var (type, data) = await ReceiveAsync(ws);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("Echo: hello", Encoding.UTF8.GetString(data));

        var binary = new byte[100_000];
        new Random(7).NextBytes(binary);
        await ws.SendAsync(binary, WebSocketMessageType.Binary, true, CancellationToken.None);
        var (btype, bdata) = await ReceiveAsync(ws);
        Assert.Equal(WebSocketMessageType.Binary, btype);
        Assert.Equal(binary, bdata);

        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }
}
