using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 1, framing (RFC 6455 §5.1–§5.3): payload lengths at every boundary of the three length encodings, frames
/// cut into arbitrary TCP writes, masking. The echo must come back as one unmasked frame with minimal length
/// encoding, which <see cref="RawWebSocketClient"/> checks on every frame it reads.
/// </summary>
public sealed class FramingTests(ConformanceServer fixture) : IClassFixture<ConformanceServer>
{
    private static readonly TimeSpan SplitPause = TimeSpan.FromMilliseconds(1);

    /// <summary>§5.2: 125 is the last 7-bit length, 126–65535 use 16 bits, 65536 and up use 64 bits.</summary>
    public static TheoryData<int> LengthBoundaries => new() { 0, 1, 125, 126, 127, 128, 65535, 65536 };

    [Theory]
    [MemberData(nameof(LengthBoundaries))]
    public async Task Echoes_a_text_message_at_each_length_encoding_boundary(int length)
    {
        await using var ws = await fixture.ConnectAsync();
        var text = Payloads.Text(length);
        await ws.SendTextAsync(text);
        await ws.ExpectTextAsync(text);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [MemberData(nameof(LengthBoundaries))]
    public async Task Echoes_a_binary_message_at_each_length_encoding_boundary(int length)
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(length);
        await ws.SendBinaryAsync(data);
        await ws.ExpectBinaryAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    public async Task Echoes_messages_sent_in_997_byte_TCP_writes(int length)
    {
        await using var ws = await fixture.ConnectAsync();
        var text = Payloads.Text(length);
        await ws.SendRawAsync(Frame(Op.Text, Payloads.Utf8(text)), writeSize: 997);
        await ws.ExpectTextAsync(text);
        var data = Payloads.Binary(length);
        await ws.SendRawAsync(Frame(Op.Binary, data), writeSize: 997);
        await ws.ExpectBinaryAsync(data);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_several_messages_that_arrive_in_one_TCP_write_in_order()
    {
        await using var ws = await fixture.ConnectAsync();
        var burst = new MemoryStream();
        for (var i = 0; i < 10; i++) burst.Write(Frame(Op.Text, $"message {i}"));
        burst.Write(Frame(Op.Binary, Payloads.Binary(300)));
        await ws.SendRawAsync(burst.ToArray());
        for (var i = 0; i < 10; i++) await ws.ExpectTextAsync($"message {i}");
        await ws.ExpectBinaryAsync(Payloads.Binary(300));
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Decodes_a_short_frame_split_at_every_byte_boundary()
    {
        await using var ws = await fixture.ConnectAsync();
        var frame = Frame(Op.Text, "split anywhere");
        for (var cut = 1; cut < frame.Length; cut++)
        {
            await ws.SendSplitAsync(frame, SplitPause, cut);
            await ws.ExpectTextAsync("split anywhere");
        }
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Decodes_a_frame_with_a_16_bit_length_split_at_every_byte_boundary()
    {
        await using var ws = await fixture.ConnectAsync();
        var text = Payloads.Text(130);
        var frame = Frame(Op.Text, Payloads.Utf8(text));
        for (var cut = 1; cut < frame.Length; cut++)
        {
            await ws.SendSplitAsync(frame, SplitPause, cut);
            await ws.ExpectTextAsync(text);
        }
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Decodes_a_frame_with_a_64_bit_length_split_at_every_header_byte_boundary()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Binary(70_000);
        var frame = Frame(Op.Binary, data);
        // 2 + 8 length bytes + 4 mask bytes: every cut inside the header, and the first payload byte.
        for (var cut = 1; cut <= 15; cut++)
        {
            await ws.SendSplitAsync(frame, SplitPause, cut);
            await ws.ExpectBinaryAsync(data);
        }
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Decodes_frames_sent_one_byte_per_TCP_write()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Text, "byte by byte"), writeSize: 1, pause: SplitPause);
        await ws.ExpectTextAsync("byte by byte");
        var data = Payloads.Binary(200);
        await ws.SendRawAsync(Frame(Op.Binary, data), writeSize: 1);
        await ws.ExpectBinaryAsync(data);
        await ws.CloseNormallyAsync();
    }

    /// <summary>
    /// §5.2 asks the sender for the minimal length encoding but gives the receiver no failure for a longer one; Hub
    /// is liberal here, like most servers, and decodes the length it is given.
    /// </summary>
    [Theory]
    [InlineData(LengthEncoding.Extended16)]
    [InlineData(LengthEncoding.Extended64)]
    public async Task Accepts_a_client_length_in_a_longer_encoding_than_needed(LengthEncoding encoding)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Frame(Op.Text, Payloads.Utf8("five!"), length: encoding));
        await ws.ExpectTextAsync("five!");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Unmasks_with_an_all_zero_masking_key()
    {
        await using var ws = await fixture.ConnectAsync();
        // §5.3: a zero key leaves the payload as is, but it is still a masked frame.
        var payload = Payloads.Utf8("zero key");
        var header = Header(Op.Text, (ulong)payload.Length, maskKey: new byte[4]);
        await ws.SendRawAsync(header.Concat(payload).ToArray());
        await ws.ExpectTextAsync("zero key");
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Fails_an_unmasked_client_data_frame_with_1002()
    {
        // §5.1: "The server MUST close the connection upon receiving a frame that is not masked" (status 1002, §7.4.1).
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, Payloads.Utf8("naked"), mask: false);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_an_unmasked_client_control_frame_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Ping, Payloads.Utf8("naked"), mask: false);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_an_unmasked_frame_after_a_valid_message_with_1002()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendTextAsync("fine");
        await ws.ExpectTextAsync("fine");
        await ws.SendFrameAsync(Op.Binary, Payloads.Binary(10), mask: false);
        await ws.ExpectFailureAsync(1002);
    }

    [Fact]
    public async Task Fails_a_64_bit_length_with_the_most_significant_bit_set_with_1002()
    {
        // §5.2: "the most significant bit MUST be 0". Decidable from the header: nothing more is sent.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(Header(Op.Binary, 0x8000_0000_0000_0005UL, maskKey: [1, 2, 3, 4], length: LengthEncoding.Extended64));
        await ws.ExpectFailureAsync(1002);
    }
}
