using Hub.Integration.Tests.Support;
using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 9, limits and volume: messages up to 16 MiB whole, fragmented and chopped into small TCP writes; bursts
/// of many small messages; and hub.websocket.max-message-size / max-empty-fragments, which fail the connection with 1009
/// ("a message that is too big for it to process", RFC 6455 §7.4.1) as soon as a frame header shows the message
/// would exceed them (§10.4: implementations should impose such limits) — before the payload is even sent.
/// </summary>
public sealed class LimitsTests(LimitsTests.Server fixture) : IClassFixture<LimitsTests.Server>
{
    private const int MiB = 1 << 20;
    private static readonly TimeSpan Large = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The outbound queue is raised so that a 16 MiB echo fits in it (see
    /// <see cref="Echoes_a_message_larger_than_the_default_outbound_queue"/>); fragment limits stay at their defaults.
    /// </summary>
    public sealed class Server : ConformanceServer
    {
        protected override string Hocon =>
            "hub.websocket { max-message-size = 16m, outbound-queue-max-bytes = 32m, close-timeout = 250ms }";
    }

    public static TheoryData<int> Sizes => new() { 64 * 1024, 256 * 1024, MiB, 4 * MiB, 16 * MiB };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Echoes_a_text_message_of_up_to_16_MiB(int size)
    {
        await using var ws = await fixture.ConnectAsync();
        var text = Payloads.Text(size);
        await ws.SendTextAsync(text);
        await ws.ExpectTextAsync(text, Large);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Echoes_a_binary_message_of_up_to_16_MiB(int size)
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(size);
        await ws.SendBinaryAsync(data);
        await ws.ExpectBinaryAsync(data, Large);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(65536)]
    [InlineData(MiB)]
    public async Task Echoes_a_1_MiB_text_message_sent_in_fragments_of_each_size(int fragmentSize)
    {
        await using var ws = await fixture.ConnectAsync();
        var text = Payloads.Text(MiB);
        await ws.SendRawAsync(Fragments(Op.Text, Payloads.Utf8(text), fragmentSize));
        await ws.ExpectTextAsync(text, Large);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(MiB)]
    public async Task Echoes_a_4_MiB_binary_message_sent_in_fragments_of_each_size(int fragmentSize)
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(4 * MiB);
        await ws.SendRawAsync(Fragments(Op.Binary, data, fragmentSize));
        await ws.ExpectBinaryAsync(data, Large);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(65536)]
    public async Task Echoes_a_1_MiB_message_chopped_into_TCP_writes_of_each_size(int writeSize)
    {
        await using var ws = await fixture.ConnectAsync();
        var text = Payloads.Text(MiB);
        await ws.SendRawAsync(Frame(Op.Text, Payloads.Utf8(text)), writeSize);
        await ws.ExpectTextAsync(text, Large);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(1024)]
    [InlineData(4096)]
    public async Task Echoes_a_burst_of_1000_small_messages_in_order(int size)
    {
        await using var ws = await fixture.ConnectAsync();
        const int count = 1000;
        var burst = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            burst.Write(Frame(Op.Text, Payloads.Utf8(Message(i, size))));
            burst.Write(Frame(Op.Binary, Payloads.Binary(size, seed: i)));
        }
        // Read while sending: the client keeps up, as a real one would.
        var reader = Task.Run(async () =>
        {
            for (var i = 0; i < count; i++)
            {
                await ws.ExpectTextAsync(Message(i, size));
                await ws.ExpectBinaryAsync(Payloads.Binary(size, seed: i));
            }
        });
        await ws.SendRawAsync(burst.ToArray(), writeSize: 64 * 1024);
        await reader.WaitAsync(Large);
        await ws.CloseNormallyAsync();

        static string Message(int i, int size) => i.ToString("D4").PadRight(size, '.')[..size];
    }

    [Fact]
    public async Task Echoes_a_message_larger_than_the_default_outbound_queue()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"), "hub.websocket.max-message-size = 16m");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        var data = Payloads.Binary(2 * MiB);
        await ws.SendBinaryAsync(data);
        await ws.ExpectBinaryAsync(data, Large);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Fails_a_frame_announcing_more_than_max_message_size_with_1009_before_its_payload()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Header(Op.Binary, 16 * MiB + 1, maskKey: [1, 2, 3, 4]));
        await ws.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Fails_a_frame_announcing_an_absurd_63_bit_length_with_1009()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Header(Op.Binary, 0x4000_0000_0000_0000UL, maskKey: [1, 2, 3, 4]));
        await ws.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Fails_a_continuation_whose_announced_length_would_overflow_the_message_size_with_1009()
    {
        // 10 bytes so far plus 2^63 - 1 announced: the running total must not wrap around and pass the limit check.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Binary, Payloads.Binary(10), fin: false);
        await ws.SendRawAsync(Header(Op.Continuation, long.MaxValue, maskKey: [1, 2, 3, 4]));
        await ws.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Fails_a_fragment_that_takes_its_message_over_max_message_size_with_1009_before_its_payload()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.websocket { max-message-size = 1000, close-timeout = 250ms }");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        await ws.SendFrameAsync(Op.Text, Payloads.Utf8(Payloads.Text(600)), fin: false);
        await ws.SendRawAsync(Header(Op.Continuation, 401, maskKey: [1, 2, 3, 4]));
        await ws.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Echoes_a_fragmented_message_of_exactly_max_message_size()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.websocket { max-message-size = 1000, close-timeout = 250ms }");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        var text = Payloads.Text(1000);
        await ws.SendRawAsync(Fragments(Op.Text, Payloads.Utf8(text), 300));
        await ws.ExpectTextAsync(text);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Fails_a_frame_over_the_default_10_MiB_limit_with_1009()
    {
        // reference.conf: max-message-size = 10m, Tornado's default.
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"), ConformanceServer.DefaultHocon);
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        await ws.SendRawAsync(Header(Op.Text, 10 * MiB + 1, maskKey: [1, 2, 3, 4]));
        await ws.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Echoes_1_MiB_in_64_byte_fragments_with_the_default_limits_and_an_8_MiB_message_size()
    {
        // The black-box report: 16,384 fragments of a message well within max-message-size were refused with 1009.
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.websocket { max-message-size = 8m, close-timeout = 250ms }");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        var text = Payloads.Text(MiB);
        await ws.SendRawAsync(Fragments(Op.Text, Payloads.Utf8(text), 64));
        await ws.ExpectTextAsync(text, Large);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_message_of_exactly_max_message_size_sent_one_byte_per_frame()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.websocket { max-message-size = 20000, max-empty-fragments = 0, close-timeout = 250ms }");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        var text = Payloads.Text(20000);
        await ws.SendRawAsync(Fragments(Op.Text, Payloads.Utf8(text), 1));
        await ws.ExpectTextAsync(text, Large);
        await ws.SendRawAsync(Fragments(Op.Text, Payloads.Utf8(Payloads.Text(20001)), 1));
        await ws.ExpectFailureAsync(1009);
    }

    [Fact]
    public async Task Fails_a_message_dribbled_as_a_million_empty_fragments_with_1009_after_the_allowance()
    {
        await using var server = await TestServer.StartAsync(r => r.Map<ConformanceEcho>("/echo"),
            "hub.websocket { max-empty-fragments = 64, close-timeout = 250ms }");
        await using var ws = await RawWebSocketClient.ConnectAsync(server);
        var empty = Frame(Op.Continuation, [], fin: false);
        var burst = Enumerable.Range(0, 1000).SelectMany(_ => empty).ToArray();
        await ws.SendRawAsync(Frame(Op.Text, [], fin: false));
        // Up to a million more; the server stops reading long before (the send may then fail: the socket closed).
        try
        {
            for (var i = 0; i < 1000 && !ws.Socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead); i++)
                await ws.SendRawAsync(burst);
        }
        catch (System.Net.Sockets.SocketException) { }
        await ws.ExpectCloseAsync(1009);
    }

    private static byte[] Fragments(byte opcode, byte[] payload, int fragmentSize)
    {
        var stream = new MemoryStream(payload.Length + payload.Length / fragmentSize * 14 + 14);
        for (var offset = 0; offset < payload.Length; offset += fragmentSize)
        {
            var n = Math.Min(fragmentSize, payload.Length - offset);
            stream.Write(Frame(offset == 0 ? opcode : Op.Continuation, payload.AsSpan(offset, n), fin: offset + n == payload.Length));
        }
        return stream.ToArray();
    }
}
