using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 4, opcodes (RFC 6455 §5.2): %x3–7 are reserved for further non-control frames and %xB–F for further
/// control frames. "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_":
/// Close 1002, and whatever follows the bad frame is not processed.
/// </summary>
public sealed class OpcodesTests(ConformanceServer fixture) : IClassFixture<ConformanceServer>
{
    public static TheoryData<byte> ReservedOpcodes => new() { 0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF };

    [Theory]
    [MemberData(nameof(ReservedOpcodes))]
    public async Task Fails_an_empty_frame_with_a_reserved_opcode_with_1002(byte opcode)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(opcode, []);
        await ws.ExpectFailureAsync(1002);
    }

    [Theory]
    [MemberData(nameof(ReservedOpcodes))]
    public async Task Fails_a_frame_with_a_reserved_opcode_and_payload_with_1002(byte opcode)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(opcode, Payloads.Utf8("reserved opcode"));
        await ws.ExpectFailureAsync(1002);
    }

    [Theory]
    [MemberData(nameof(ReservedOpcodes))]
    public async Task Echoes_the_message_before_a_reserved_opcode_and_answers_nothing_after_it(byte opcode)
    {
        await using var ws = await fixture.ConnectAsync();
        var burst = Frame(Op.Text, "before").Concat(Frame(opcode, "reserved opcode")).Concat(Frame(Op.Ping, "after"));
        await ws.SendRawAsync(burst.ToArray());
        await ws.ExpectTextAsync("before");
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_reserved_non_control_opcode_inside_a_fragmented_message_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("first ", fin: false);
        await ws.SendFrameAsync(0x3, Payloads.Utf8("reserved"));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_reserved_control_opcode_inside_a_fragmented_message_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("first ", fin: false);
        await ws.SendFrameAsync(0xB, Payloads.Utf8("reserved"));
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_reserved_opcode_whose_header_announces_a_large_payload_without_waiting_for_it()
    {
        // The opcode is known to be bad from the first byte; the server need not read 1 MiB to say so.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Header(0x5, 1 << 20, maskKey: [9, 8, 7, 6]));
        await ws.ExpectFailureAsync(1002);
    }
}
