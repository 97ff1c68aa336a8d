using System.Text;
using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 5, fragmentation (RFC 6455 §5.4): a message is a first frame with opcode text or binary and FIN clear,
/// any number of continuation frames, the last with FIN set. Control frames may be injected between fragments and
/// are answered at once; control frames themselves are never fragmented (§5.5). A continuation with nothing to
/// continue, or a new data frame before the message is finished, fails the connection with 1002.
/// </summary>
public sealed class FragmentationTests(ConformanceServer fixture) : IClassFixture<ConformanceServer>
{
    [Fact]
    public async Task Fails_a_fragmented_ping_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Ping, Payloads.Utf8("frag"), fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Utf8("mented"));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_fragmented_pong_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Pong, Payloads.Utf8("frag"), fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Utf8("mented"));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_fragmented_close_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Close, ClosePayload(1000), fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Utf8("bye"));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Echoes_a_text_message_in_two_fragments()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fragment1", fin: false);
        await ws.SendContinuationAsync("fragment2", fin: true);
        await ws.ExpectTextAsync("fragment1fragment2");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_binary_message_in_two_fragments()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(300);
        await ws.SendFrameAsync(Op.Binary, data.AsSpan(0, 100), fin: false);
        await ws.SendFrameAsync(Op.Continuation, data.AsSpan(100), fin: true);
        await ws.ExpectBinaryAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_fragmented_message_whose_frames_are_sent_one_byte_per_TCP_write()
    {
        await using var ws = await fixture.ConnectAsync();
        var bytes = Frame(Op.Text, "fragment1", fin: false).Concat(Frame(Op.Continuation, "fragment2")).ToArray();
        await ws.SendRawAsync(bytes, writeSize: 1);
        await ws.ExpectTextAsync("fragment1fragment2");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_ping_between_fragments_before_echoing_the_message()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fragment1", fin: false);
        await ws.SendPingAsync("between");
        await ws.ExpectPongAsync("between");
        await ws.SendContinuationAsync("fragment2", fin: true);
        await ws.ExpectTextAsync("fragment1fragment2");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Answers_a_ping_between_fragments_when_everything_arrives_one_byte_at_a_time()
    {
        await using var ws = await fixture.ConnectAsync();
        var bytes = Frame(Op.Text, "fragment1", fin: false)
            .Concat(Frame(Op.Ping, "between"))
            .Concat(Frame(Op.Continuation, "fragment2")).ToArray();
        await ws.SendRawAsync(bytes, writeSize: 1);
        await ws.ExpectPongAsync("between");
        await ws.ExpectTextAsync("fragment1fragment2");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Ignores_an_unsolicited_pong_between_fragments()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fragment1", fin: false);
        await ws.SendPongAsync(Payloads.Utf8("unsolicited"));
        await ws.SendContinuationAsync("fragment2", fin: true);
        await ws.ExpectTextAsync("fragment1fragment2");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_text_message_in_five_fragments_with_pings_between_them()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fragment1", fin: false);
        for (var i = 2; i <= 5; i++)
        {
            await ws.SendPingAsync($"ping{i}");
            await ws.ExpectPongAsync($"ping{i}");
            await ws.SendContinuationAsync($"fragment{i}", fin: i == 5);
        }
        await ws.ExpectTextAsync("fragment1fragment2fragment3fragment4fragment5");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_text_message_sent_as_one_byte_fragments()
    {
        await using var ws = await fixture.ConnectAsync();
        const string text = "Hello, fragments! One byte per frame.";
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i++)
            await ws.SendFrameAsync(i == 0 ? Op.Text : Op.Continuation, bytes.AsSpan(i, 1), fin: i == bytes.Length - 1);
        await ws.ExpectTextAsync(text);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_binary_message_sent_as_one_byte_fragments_in_one_TCP_write()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(200);
        var burst = new MemoryStream();
        for (var i = 0; i < data.Length; i++)
            burst.Write(Frame(i == 0 ? Op.Binary : Op.Continuation, data.AsSpan(i, 1), fin: i == data.Length - 1));
        await ws.SendRawAsync(burst.ToArray());
        await ws.ExpectBinaryAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_message_whose_fragments_are_all_empty()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("", fin: false);
        await ws.SendContinuationAsync("", fin: false);
        await ws.SendContinuationAsync("", fin: true);
        await ws.ExpectTextAsync("");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_message_with_empty_first_and_last_fragments()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("", fin: false);
        await ws.SendContinuationAsync("middle", fin: false);
        await ws.SendContinuationAsync("", fin: true);
        await ws.ExpectTextAsync("middle");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_consecutive_fragmented_messages()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("a1", fin: false);
        await ws.SendContinuationAsync("a2", fin: true);
        await ws.SendFrameAsync(Op.Binary, Payloads.Utf8("b1"), fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Utf8("b2"));
        await ws.ExpectTextAsync("a1a2");
        await ws.ExpectBinaryAsync(Payloads.Utf8("b1b2"));
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fails_a_continuation_with_nothing_to_continue_with_1002(bool fin)
    {
        // §5.4: a message starts with a text or binary frame; a continuation first is a protocol error.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendContinuationAsync("orphan", fin);
        await ws.SendTextAsync("never echoed");
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_continuation_with_nothing_to_continue_sent_one_byte_per_TCP_write()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Continuation, "orphan"), writeSize: 1);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_continuation_after_a_finished_message_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("done", fin: false);
        await ws.SendContinuationAsync(" and dusted", fin: true);
        await ws.ExpectTextAsync("done and dusted");
        await ws.SendContinuationAsync("one more", fin: true);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_continuation_after_an_unfragmented_message_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("whole");
        await ws.ExpectTextAsync("whole");
        await ws.SendContinuationAsync("orphan", fin: false);
        await ws.SendContinuationAsync("orphan", fin: true);
        await ws.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(Op.Text, Op.Text)]
    [InlineData(Op.Text, Op.Binary)]
    [InlineData(Op.Binary, Op.Text)]
    [InlineData(Op.Binary, Op.Binary)]
    public async Task Fails_a_new_data_frame_inside_a_fragmented_message_with_1002(byte first, byte intruder)
    {
        // §5.4: fragments of one message are not interleaved with another message's frames.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(first, Payloads.Utf8("fragment1"), fin: false);
        await ws.SendFrameAsync(intruder, Payloads.Utf8("intruder"), fin: true);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_new_unfinished_data_frame_inside_a_fragmented_message_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fragment1", fin: false);
        await ws.SendTextAsync("fragment2", fin: false);
        await ws.SendContinuationAsync("fragment3", fin: true);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Completes_the_closing_handshake_when_a_close_arrives_between_fragments()
    {
        // §5.4: control frames may be injected in the middle of a fragmented message; the unfinished message dies
        // with the connection.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("never ", fin: false);
        await ws.SendCloseAsync(1000);
        await ws.ExpectCloseAsync(1000);
        await ws.ExpectTcpClosedAsync();
    }
}
