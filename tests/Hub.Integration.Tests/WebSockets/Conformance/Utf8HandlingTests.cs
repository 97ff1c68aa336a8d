using static Hub.Integration.Tests.WebSockets.Conformance.RawWebSocketClient;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>
/// Section 6, UTF-8 handling (RFC 6455 §5.6, §8.1; RFC 3629 for what UTF-8 is): a text message must be valid UTF-8
/// as a whole — a code point may straddle fragments — and "when an endpoint is to interpret a byte stream as UTF-8
/// but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket
/// Connection_" with 1007 (§7.4.1). Hub validates as bytes arrive, so the failure comes as soon as the stream can no
/// longer be valid, even if the message never ends. Binary messages are never checked.
/// </summary>
public sealed class Utf8HandlingTests(ConformanceServer fixture) : IClassFixture<ConformanceServer>
{
    /// <summary>Valid UTF-8, hex: boundaries of every sequence length, surrogate edges, BOM, noncharacters.</summary>
    public static TheoryData<string> ValidUtf8 => new()
    {
        "",                                                   // empty text message
        "48 65 6C 6C 6F 2D C2 B5 40 C3 9F C3 B6 C3 A4 C3 BC C3 A0 C3 A1 2D 55 54 46 2D 38 21 21", // Hello-µ@ßöäüàá-UTF-8!!
        "CE BA E1 BD B9 CF 83 CE BC CE B5",                   // κόσμε
        "00",                                                 // U+0000, first 1-byte
        "7F",                                                 // U+007F, last 1-byte
        "C2 80",                                              // U+0080, first 2-byte
        "DF BF",                                              // U+07FF, last 2-byte
        "E0 A0 80",                                           // U+0800, first 3-byte
        "ED 9F BF",                                           // U+D7FF, just below the surrogates
        "EE 80 80",                                           // U+E000, just above the surrogates
        "EF BF BD",                                           // U+FFFD, replacement character
        "EF BB BF",                                           // U+FEFF, byte order mark
        "EF BF BE",                                           // U+FFFE, noncharacter (still valid UTF-8)
        "EF BF BF",                                           // U+FFFF, last 3-byte, noncharacter
        "F0 90 80 80",                                        // U+10000, first 4-byte
        "F0 9F 98 80",                                        // U+1F600, an emoji
        "F4 8F BF BF",                                        // U+10FFFF, the last code point
    };

    /// <summary>Invalid UTF-8, hex, each alone in a text message.</summary>
    public static TheoryData<string> InvalidUtf8 => new()
    {
        "80",                   // lone continuation byte
        "BF",                   // lone continuation byte
        "80 BF 80 BF",          // continuation bytes only
        "C0 20",                // 2-byte lead followed by a space
        "E0 20",                // 3-byte lead followed by a space
        "F0 20",                // 4-byte lead followed by a space
        "C2",                   // 2-byte sequence cut off at the end
        "E0 A0",                // 3-byte sequence cut off
        "F0 90 80",             // 4-byte sequence cut off
        "F4 8F BF",             // last code point cut off
        "FE",                   // never valid
        "FF",                   // never valid
        "FE FE FF FF",          // never valid
        "C0 AF",                // overlong '/' in 2 bytes
        "E0 80 AF",             // overlong '/' in 3 bytes
        "F0 80 80 AF",          // overlong '/' in 4 bytes
        "F8 80 80 80 AF",       // 5-byte form (not UTF-8 since RFC 3629)
        "FC 80 80 80 80 AF",    // 6-byte form
        "C1 BF",                // overlong U+007F
        "E0 9F BF",             // overlong U+07FF
        "F0 8F BF BF",          // overlong U+FFFF
        "C0 80",                // overlong U+0000 ("modified UTF-8")
        "F4 90 80 80",          // U+110000, above the last code point
        "F5 80 80 80",          // lead byte above F4
        "F7 BF BF BF",          // U+1FFFFF
        "ED A0 80",             // U+D800, high surrogate
        "ED AD BF",             // U+DB7F
        "ED AF BF",             // U+DBFF
        "ED B0 80",             // U+DC00, low surrogate
        "ED BF BF",             // U+DFFF
        "ED A0 80 ED B0 80",    // a surrogate pair encoded as two 3-byte sequences (CESU-8)
    };

    private static readonly byte[] Kosme = Payloads.Hex("CE BA E1 BD B9 CF 83 CE BC CE B5");

    [Theory]
    [MemberData(nameof(ValidUtf8))]
    public async Task Echoes_valid_UTF8_text(string hex)
    {
        await using var ws = await fixture.ConnectAsync();
        var bytes = Payloads.Hex(hex);
        await ws.SendFrameAsync(Op.Text, bytes);
        Assert.Equal(bytes, Payloads.Utf8(await ws.ExpectTextAsync()));
        await ws.CloseNormallyAsync();
    }

    [Theory]
    [MemberData(nameof(ValidUtf8))]
    public async Task Echoes_valid_UTF8_text_whose_code_points_are_split_across_one_byte_fragments(string hex)
    {
        await using var ws = await fixture.ConnectAsync();
        var bytes = Payloads.Hex(hex);
        await ws.SendRawAsync(OneByteFragments(Op.Text, bytes));
        Assert.Equal(bytes, Payloads.Utf8(await ws.ExpectTextAsync()));
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_valid_UTF8_text_split_at_every_byte_into_two_fragments()
    {
        await using var ws = await fixture.ConnectAsync();
        var bytes = Payloads.Hex("CE BA E1 BD B9 CF 83 CE BC CE B5 F0 9F 98 80 F4 8F BF BF");
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            await ws.SendFrameAsync(Op.Text, bytes.AsSpan(0, cut), fin: false);
            await ws.SendFrameAsync(Op.Continuation, bytes.AsSpan(cut), fin: true);
            Assert.Equal(bytes, Payloads.Utf8(await ws.ExpectTextAsync()));
        }
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Echoes_a_large_multibyte_text_whose_code_points_straddle_TCP_writes_and_fragments()
    {
        // 2-, 3- and 4-byte characters cut at odd offsets by 997-byte TCP writes and 1001-byte fragments: the
        // incremental validator must carry partial code points across both kinds of boundary.
        await using var ws = await fixture.ConnectAsync();
        var text = string.Concat(Enumerable.Repeat("aé€😀κόσμε", 20_000));
        var bytes = Payloads.Utf8(text);
        await ws.SendRawAsync(Frame(Op.Text, bytes), writeSize: 997);
        await ws.ExpectTextAsync(text);
        var fragments = new MemoryStream();
        for (var offset = 0; offset < bytes.Length; offset += 1001)
        {
            var n = Math.Min(1001, bytes.Length - offset);
            fragments.Write(Frame(offset == 0 ? Op.Text : Op.Continuation, bytes.AsSpan(offset, n), fin: offset + n == bytes.Length));
        }
        await ws.SendRawAsync(fragments.ToArray(), writeSize: 997);
        await ws.ExpectTextAsync(text);
        await ws.CloseNormallyAsync();
    }

    [Fact]
    public async Task Validates_each_text_message_from_a_clean_state()
    {
        // A continuation byte opening a new message is invalid, whatever the previous message ended with.
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Binary, Payloads.Hex("41 E2 82"));
        await ws.ExpectBinaryAsync(Payloads.Hex("41 E2 82"));
        await ws.SendFrameAsync(Op.Text, Payloads.Hex("E2 82 AC"));
        await ws.ExpectTextAsync("€");
        await ws.SendFrameAsync(Op.Text, Payloads.Hex("AC"));
        await ws.ExpectFailureAsync(1007);
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Fails_invalid_UTF8_text_with_1007(string hex)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, Payloads.Hex(hex));
        await ws.ExpectFailureAsync(1007);
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Fails_invalid_UTF8_between_valid_text_with_1007(string hex)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, [.. Kosme, .. Payloads.Hex(hex), .. Payloads.Utf8("edited")]);
        await ws.ExpectFailureAsync(1007);
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task Fails_invalid_UTF8_text_sent_as_one_byte_fragments_with_1007(string hex)
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendRawAsync(OneByteFragments(Op.Text, [.. Kosme, .. Payloads.Hex(hex)]));
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Fails_an_overlong_sequence_split_across_fragments_with_1007()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, Payloads.Hex("41 E0"), fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Hex("80 AF"), fin: true);
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Fails_a_code_point_left_unfinished_by_the_final_fragment_with_1007()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, Kosme.AsSpan(0, Kosme.Length - 1), fin: false);
        await ws.SendFrameAsync(Op.Continuation, [], fin: true);
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Fails_fast_on_invalid_UTF8_in_a_first_fragment_of_a_message_that_never_ends()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, [.. Kosme, .. Payloads.Hex("F4 90 80 80"), .. Payloads.Utf8("edited")], fin: false);
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Fails_fast_on_invalid_UTF8_in_a_middle_fragment_of_a_message_that_never_ends()
    {
        await using var ws = await fixture.ConnectAsync();
        await ws.SendFrameAsync(Op.Text, Kosme, fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Utf8("still fine"), fin: false);
        await ws.SendFrameAsync(Op.Continuation, Payloads.Hex("ED A0 80"), fin: false);
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Fails_fast_on_invalid_UTF8_inside_a_frame_whose_rest_never_arrives()
    {
        // The header announces 1000 bytes; only a prefix with the bad sequence is sent.
        await using var ws = await fixture.ConnectAsync();
        var prefix = Frame(Op.Text, [.. Kosme, .. Payloads.Hex("F4 90 80 80")], fin: true, declaredLength: 1000);
        await ws.SendRawAsync(prefix);
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Fails_fast_on_the_first_impossible_byte_when_a_frame_arrives_one_byte_at_a_time()
    {
        // F4 90 is already impossible (F4 allows only 80–8F next): the server need not wait for more.
        await using var ws = await fixture.ConnectAsync();
        var prefix = Frame(Op.Text, [.. Kosme, 0xF4, 0x90], fin: true, declaredLength: 1000);
        await ws.SendRawAsync(prefix, writeSize: 1);
        await ws.ExpectFailureAsync(1007);
    }

    [Fact]
    public async Task Echoes_binary_messages_that_are_not_UTF8_unchanged()
    {
        await using var ws = await fixture.ConnectAsync();
        var data = Payloads.Hex("FE FF C0 AF ED A0 80 F4 90 80 80 80");
        await ws.SendBinaryAsync(data);
        await ws.ExpectBinaryAsync(data);
        await ws.CloseNormallyAsync();
    }

    private static byte[] OneByteFragments(byte opcode, byte[] bytes)
    {
        if (bytes.Length == 0) return Frame(opcode, []);
        var stream = new MemoryStream();
        for (var i = 0; i < bytes.Length; i++)
            stream.Write(Frame(i == 0 ? opcode : Op.Continuation, bytes.AsSpan(i, 1), fin: i == bytes.Length - 1));
        return stream.ToArray();
    }
}
