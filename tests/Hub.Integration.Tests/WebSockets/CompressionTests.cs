using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.WebSockets;

/// <summary>permessage-deflate (RFC 7692) against .NET's own client implementation, and a decompression bomb.</summary>
public sealed class CompressionTests
{
    private sealed class EchoSocket : WebSocketHandler
    {
        public override Task OnMessageAsync(WsMessage m) => m.IsText ? WriteMessageAsync(m.Text) : WriteMessageAsync(m.Data);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task Echoes_compressed_messages_with_and_without_context_takeover(bool clientTakeover, bool serverTakeover)
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EchoSocket>("/ws"), "hub.websocket.per-message-deflate = on");
        using var ws = new ClientWebSocket();
        ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions
        {
            ClientContextTakeover = clientTakeover,
            ServerContextTakeover = serverTakeover,
        };
        ws.Options.CollectHttpResponseDetails = true;
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{server.Port}/ws"), CancellationToken.None);
        Assert.StartsWith("permessage-deflate", ws.HttpResponseHeaders!["Sec-WebSocket-Extensions"].Single());
        foreach (var text in new[] { "hello", new string('a', 100_000), "héllo wörld " + string.Concat(Enumerable.Repeat("abc", 1000)), "" })
        {
            await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal(text, await ws.ReceiveTextAsync());
        }
    }

    [Fact]
    public async Task Does_not_negotiate_compression_when_it_is_off()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EchoSocket>("/ws"));
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                             "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(101, r.Status);
        Assert.Null(r.Header("Sec-WebSocket-Extensions"));
    }

    [Theory]
    [InlineData("permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover")]
    [InlineData("x-webkit-deflate-frame, permessage-deflate", "permessage-deflate")]
    [InlineData("permessage-deflate; server_max_window_bits=10, permessage-deflate", "permessage-deflate")]
    [InlineData("permessage-deflate; server_max_window_bits=10", null)]
    [InlineData("permessage-deflate; unknown_param", null)]
    [InlineData("foo", null)]
    public async Task Negotiates_only_what_it_can_honour(string offer, string? expected)
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EchoSocket>("/ws"), "hub.websocket.per-message-deflate = on");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                             $"Sec-WebSocket-Extensions: {offer}\r\n\r\n");
        var r = await conn.ReadResponseAsync();
        Assert.Equal(101, r.Status);
        Assert.Equal(expected, r.Header("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task A_small_frame_that_inflates_past_the_limit_closes_with_1009()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<EchoSocket>("/ws"),
            "hub.websocket { per-message-deflate = on, max-message-size = 64k }");
        using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                             "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n");
        Assert.Equal(101, (await conn.ReadResponseAsync()).Status);

        // 10 MB of zeros deflate to ~10 KB.
        var deflated = new MemoryStream();
        using (var d = new DeflateStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            d.Write(new byte[10_000_000]);
            d.Flush();
        }
        var payload = deflated.ToArray()[..^4];
        Assert.True(payload.Length < 64 * 1024);
        var frame = new List<byte> { 0xC2 }; // FIN + RSV1 + binary
        frame.Add(0x80 | 126);
        frame.Add((byte)(payload.Length >> 8));
        frame.Add((byte)payload.Length);
        frame.AddRange(new byte[4]); // zero mask
        frame.AddRange(payload);
        await conn.SendAsync(frame.ToArray());

        var close = await ReadFrameAsync(conn.Socket);
        Assert.Equal(0x88, close[0]);
        Assert.Equal(1009, BinaryPrimitives.ReadUInt16BigEndian(close.AsSpan(2)));
    }

    private static async Task<byte[]> ReadFrameAsync(Socket socket)
    {
        var buffer = new byte[256];
        var got = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (got < 2 || got < 2 + (buffer[1] & 0x7F))
            got += await socket.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cts.Token);
        return buffer[..got];
    }
}
