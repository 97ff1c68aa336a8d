using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 3, reserved bits (RFC 6455 §5.2): RSV1–3 "MUST be 0 unless an extension is negotiated that defines
/// meanings for non-zero values. If a nonzero value is received and none of the negotiated extensions defines the
/// meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_." No extension is
/// negotiated here, so every RSV combination fails with 1002, on any frame type, and nothing after it is processed.
/// </summary>
public sealed class ReservedBitsTests(ConformanceServer fixture) : IClassFixture<ConformanceServer>
{
    /// <summary>RSV as a 3-bit number: 4 = RSV1, 2 = RSV2, 1 = RSV3.</summary>
    public static TheoryData<int> RsvValues => new() { 1, 2, 3, 4, 5, 6, 7 };

    [Theory]
    [MemberData(nameof(RsvValues))]
    public async Task Fails_a_text_frame_with_reserved_bits_set_with_1002(int rsv)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Text, "reserved", rsv: rsv));
        await ws.ExpectFailureAsync(1002);
    }

    [Theory]
    [MemberData(nameof(RsvValues))]
    public async Task Fails_a_binary_frame_with_reserved_bits_set_with_1002(int rsv)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Binary, Payloads.Binary(16), rsv: rsv);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_reserved_bits_after_a_valid_message_which_is_still_echoed()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("valid");
        await ws.ExpectTextAsync("valid");
        await ws.SendRawAsync(Frame(Op.Text, "reserved", rsv: 2));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_reserved_bits_arriving_in_the_same_TCP_write_as_a_valid_message_and_a_ping()
    {
        // The valid message before the bad frame is echoed; the ping after it is not answered (§7.1.7: stop
        // processing data after failing).
        await using var ws = await fixture.ConnectAsync();
        var burst = Frame(Op.Text, "valid").Concat(Frame(Op.Text, "reserved", rsv: 3)).Concat(Frame(Op.Ping, "ignored"));
        await ws.SendRawAsync(burst.ToArray());
        await ws.ExpectTextAsync("valid");
        await ws.ExpectFailureAsync(1002);
    }

    [Theory]
    [InlineData(Op.Ping)]
    [InlineData(Op.Pong)]
    [InlineData(Op.Close)]
    public async Task Fails_a_control_frame_with_reserved_bits_set_with_1002(byte opcode)
    {
        await using var ws = await fixture.ConnectAsync();
        var payload = opcode == Op.Close ? ClosePayload(1000) : Payloads.Utf8("control");
        await ws.SendFrameAsync(opcode, payload, rsv: opcode == Op.Close ? 7 : 6);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_continuation_frame_with_reserved_bits_set_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("first ", fin: false);
        await ws.SendRawAsync(Frame(Op.Continuation, "second", fin: true, rsv: 4));
        await ws.ExpectFailureAsync(1002);
    }
}
