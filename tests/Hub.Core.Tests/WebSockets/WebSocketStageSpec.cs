using System.Buffers.Binary;
using System.Text;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Hub.Configuration;
using Hub.Http;
using Hub.Http.Codec;
using Hub.Server;
using Hub.WebSockets;
using Xunit.Abstractions;

namespace Hub.Core.Tests.WebSockets;

/// <summary>The WebSocket stage between probes: pass-through before the 101, framing, ping/pong and close after.</summary>
public sealed class WebSocketStageSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private sealed record Probes(
        TestPublisher.Probe<HttpInbound> FromHttp, TestSubscriber.Probe<ConnectionInbound> ToBridge,
        TestPublisher.Probe<ConnectionOutbound> FromBridge, TestSubscriber.Probe<HttpOutbound> ToHttp, ProtocolSwitch Switch);

    private Probes Run()
    {

        var protocolSwitch = new ProtocolSwitch();
        var (a, b, c, d) = RunnableGraph.FromGraph(GraphDsl.Create(
            this.SourceProbe<HttpInbound>(), this.SinkProbe<ConnectionInbound>(),
            this.SourceProbe<ConnectionOutbound>(), this.SinkProbe<HttpOutbound>(),
            (p1, p2, p3, p4) => (p1, p2, p3, p4),
            (builder, fromHttp, toBridge, fromBridge, toHttp) =>
            {
                var ws = builder.Add(new WebSocketStage(protocolSwitch));
                builder.From(fromHttp).To(ws.Inlet1);
                builder.From(ws.Outlet1).To(toBridge);
                builder.From(fromBridge).To(ws.Inlet2);
                builder.From(ws.Outlet2).To(toHttp);
                return ClosedShape.Instance;
            })).Run(Sys.Materializer());
        return new Probes(a, b, c, d, protocolSwitch);
    }

    private static HttpOutbound.Head Response101() => new(101, null, new HttpHeaders(), ResponseFraming.NoBody, 0,
        ConnectionMode.Upgrade, false, ByteString.Empty, true);

    private static WsOutbound.Accept Accept(TimeSpan? closeTimeout = null) => new(Response101(),
        new WebSocketOptions(HubSettings.Default.WebSocket with
        {
            PingInterval = Timeout.InfiniteTimeSpan,
            CloseTimeout = closeTimeout ?? HubSettings.Default.WebSocket.CloseTimeout,
        }, OverflowPolicy.Close, null));

    private static ByteString Masked(byte opcode, byte[] payload)
    {
        byte[] key = [9, 8, 7, 6];
        var frame = new byte[6 + payload.Length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.Length);
        key.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ key[i % 4]);
        return ByteString.FromBytes(frame);
    }

    private static byte[] Bytes(HttpOutbound element) => ((HttpOutbound.Raw)element).Data.ToArray();

    [Fact]
    public async Task Passes_HTTP_through_until_the_101_then_decodes_frames()
    {
        var p = Run();
        p.ToBridge.Request(10);
        p.ToHttp.Request(10);
        var head = new HttpInbound.Rejected(RejectionReason.MalformedHeader);
        await p.FromHttp.SendNextAsync(head);
        Assert.Same(head, await p.ToBridge.ExpectNextAsync());

        await p.FromBridge.SendNextAsync(Accept());
        Assert.Equal(101, Assert.IsType<HttpOutbound.Head>(await p.ToHttp.ExpectNextAsync()).Status);
        Assert.True(p.Switch.Switched);

        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x1, "hi"u8.ToArray())));
        var message = Assert.IsType<WsInbound.Message>(await p.ToBridge.ExpectNextAsync());
        Assert.True(message.IsText);
        Assert.Equal("hi", Encoding.UTF8.GetString(message.Payload));

        // Outbound frames pass as raw bytes.
        await p.FromBridge.SendNextAsync(new WsOutbound.Frame(PreparedFrame.Text("yo")));
        Assert.Equal(new byte[] { 0x81, 2, (byte)'y', (byte)'o' }, Bytes(await p.ToHttp.ExpectNextAsync()));
    }

    [Fact]
    public async Task Answers_a_ping_itself_even_when_the_bridge_wants_nothing()
    {
        var p = Run();
        p.ToHttp.Request(10);
        p.ToBridge.Request(1);
        await p.FromBridge.SendNextAsync(Accept());
        await p.ToHttp.ExpectNextAsync();
        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x1, "busy"u8.ToArray())));
        await p.ToBridge.ExpectNextAsync(); // the handler now holds this message and asks for nothing more
        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x9, "p"u8.ToArray())));
        Assert.Equal(new byte[] { 0x8A, 1, (byte)'p' }, Bytes(await p.ToHttp.ExpectNextAsync()));
    }

    [Fact]
    public async Task Echoes_the_peers_close_code_once_the_actor_has_had_its_say_and_ends_the_output()
    {
        var p = Run();
        p.ToHttp.Request(10);
        p.ToBridge.Request(10);
        await p.FromBridge.SendNextAsync(Accept());
        await p.ToHttp.ExpectNextAsync();
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 4001);
        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x8, payload)));
        var closed = Assert.IsType<WsInbound.Closed>(await p.ToBridge.ExpectNextAsync());
        Assert.Equal(4001, closed.Code);
        Assert.True(closed.ReplyPending);
        await p.FromBridge.SendNextAsync(WsOutbound.CloseReply.Instance);
        Assert.Equal(new byte[] { 0x88, 2, 0x0F, 0xA1 }, Bytes(await p.ToHttp.ExpectNextAsync()));
        await p.ToHttp.ExpectCompleteAsync();
    }

    [Fact]
    public async Task Sends_the_replies_to_messages_before_a_close_ahead_of_the_close_reply()
    {
        var p = Run();
        p.ToHttp.Request(10);
        p.ToBridge.Request(1);
        await p.FromBridge.SendNextAsync(Accept());
        await p.ToHttp.ExpectNextAsync();
        // "hello" and Close in one read, as from one TCP write.
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 1000);
        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x1, "hello"u8.ToArray()).Concat(Masked(0x8, payload))));
        Assert.IsType<WsInbound.Message>(await p.ToBridge.ExpectNextAsync());
        // The handler is busy with "hello": nothing may go out yet, not even the Close reply.
        await p.ToHttp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        await p.FromBridge.SendNextAsync(new WsOutbound.Frame(PreparedFrame.Text("Echo: hello")));
        p.ToBridge.Request(1);
        Assert.True(Assert.IsType<WsInbound.Closed>(await p.ToBridge.ExpectNextAsync()).ReplyPending);
        await p.FromBridge.SendNextAsync(WsOutbound.CloseReply.Instance);
        Assert.Equal(0x81, Bytes(await p.ToHttp.ExpectNextAsync())[0]);
        Assert.Equal(new byte[] { 0x88, 2, 0x03, 0xE8 }, Bytes(await p.ToHttp.ExpectNextAsync()));
        await p.ToHttp.ExpectCompleteAsync();
    }

    [Fact]
    public async Task Answers_a_close_after_close_timeout_when_the_handler_never_finishes()
    {
        var p = Run();
        p.ToHttp.Request(10);
        p.ToBridge.Request(1);
        await p.FromBridge.SendNextAsync(Accept(TimeSpan.FromMilliseconds(300)));
        await p.ToHttp.ExpectNextAsync();
        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x1, "stuck"u8.ToArray()).Concat(Masked(0x8, []))));
        Assert.IsType<WsInbound.Message>(await p.ToBridge.ExpectNextAsync());
        // No CloseReply ever comes: the bound is close-timeout, then a Close without code (the peer sent none).
        Assert.Equal(new byte[] { 0x88, 0 }, Bytes(await p.ToHttp.ExpectNextAsync(TimeSpan.FromSeconds(5))));
        await p.ToHttp.ExpectCompleteAsync();
    }

    [Fact]
    public async Task Fails_a_protocol_violation_with_a_close_frame_and_ends_the_output()
    {
        var p = Run();
        p.ToHttp.Request(10);
        p.ToBridge.Request(10);
        await p.FromBridge.SendNextAsync(Accept());
        await p.ToHttp.ExpectNextAsync();
        await p.FromHttp.SendNextAsync(new HttpInbound.Raw(Masked(0x3, [])));  // reserved opcode
        var close = Bytes(await p.ToHttp.ExpectNextAsync());
        Assert.Equal(0x88, close[0]);
        Assert.Equal(1002, BinaryPrimitives.ReadUInt16BigEndian(close.AsSpan(2)));
        await p.ToHttp.ExpectCompleteAsync();
        Assert.Equal(1002, Assert.IsType<WsInbound.Closed>(await p.ToBridge.ExpectNextAsync()).Code);
    }
}
