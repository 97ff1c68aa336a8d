using System.Buffers.Binary;
using System.Text;
using Hub.WebSockets;
using Hub.WebSockets.Codec;

namespace Hub.Core.Tests.WebSockets.Codec;

public sealed class MessageReaderTests
{
    private static readonly byte[] Key = [0x11, 0x22, 0x33, 0x44];

    /// <summary>A masked client frame, like a browser sends.</summary>
    internal static byte[] Frame(WsOpcode opcode, byte[] payload, bool fin = true, byte extraB0 = 0)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | extraB0 | (byte)opcode) };
        if (payload.Length < 126) header.Add((byte)(0x80 | payload.Length));
        else if (payload.Length <= 65535) { header.Add(0x80 | 126); header.Add((byte)(payload.Length >> 8)); header.Add((byte)payload.Length); }
        else { header.Add(0x80 | 127); var b = new byte[8]; BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)payload.Length); header.AddRange(b); }
        header.AddRange(Key);
        var masked = payload.ToArray();
        for (var i = 0; i < masked.Length; i++) masked[i] ^= Key[i % 4];
        return [.. header, .. masked];
    }

    internal static byte[] Text(string s, bool fin = true) => Frame(WsOpcode.Text, Encoding.UTF8.GetBytes(s), fin);

    internal static byte[] Close(ushort code, string reason = "")
    {
        var p = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(p, code);
        Encoding.UTF8.GetBytes(reason, p.AsSpan(2));
        return Frame(WsOpcode.Close, p);
    }

    private sealed record Event(MessageReadStatus Status, string Payload, ushort Code);

    /// <summary>Feeds bytes in the given chunks the way the stage does (buffer, read, advance) and records events.</summary>
    private static List<Event> Run(byte[] input, int chunk = int.MaxValue, long max = 1 << 20, int maxEmptyFragments = 64)
    {
        using var reader = new MessageReader(max, maxEmptyFragments);
        var events = new List<Event>();
        var buffer = new List<byte>();
        for (var pos = 0; pos < input.Length; pos += chunk)
        {
            buffer.AddRange(input.Skip(pos).Take(chunk));
            while (true)
            {
                var status = reader.Read(buffer.ToArray(), out var consumed);
                buffer.RemoveRange(0, consumed);
                if (status == MessageReadStatus.NeedMoreData) break;
                events.Add(new Event(status, Encoding.UTF8.GetString(reader.Payload), reader.CloseCode));
                if (status is MessageReadStatus.Fail or MessageReadStatus.Close) return events;
            }
        }
        return events;
    }

    public static TheoryData<int> Chunks => new() { 1, 2, 3, 7, 1000 };

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Reassembles_fragments_with_control_frames_in_between(int chunk)
    {
        var input = Text("Hel", fin: false)
            .Concat(Frame(WsOpcode.Ping, "p"u8.ToArray()))
            .Concat(Frame(WsOpcode.Continuation, "lo "u8.ToArray(), fin: false))
            .Concat(Frame(WsOpcode.Continuation, "wörld"u8.ToArray()))
            .Concat(Text("second")).ToArray();
        var events = Run(input, chunk);
        Assert.Equal(
        [
            new Event(MessageReadStatus.Ping, "p", 0),
            new Event(MessageReadStatus.Message, "Hello wörld", 0),
            new Event(MessageReadStatus.Message, "second", 0),
        ], events);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Fails_a_continuation_without_a_message_with_1002(int chunk) =>
        Assert.Equal(CloseCodes.ProtocolError, Run(Frame(WsOpcode.Continuation, "x"u8.ToArray()), chunk).Single().Code);

    [Fact]
    public void Fails_a_new_data_frame_inside_a_fragmented_message_with_1002()
    {
        var events = Run(Text("a", fin: false).Concat(Text("b")).ToArray());
        Assert.Equal(MessageReadStatus.Fail, events.Single().Status);
        Assert.Equal(CloseCodes.ProtocolError, events.Single().Code);
    }

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Fails_invalid_utf8_with_1007_in_the_fragment_where_it_arrives(int chunk)
    {
        // Never finish the message: the failure must come from the bad fragment itself.
        var input = Text("κόσμε", fin: false).Concat(Frame(WsOpcode.Continuation, [0xF4, 0x90, 0x80, 0x80], fin: false)).ToArray();
        var e = Run(input, chunk).Single();
        Assert.Equal(MessageReadStatus.Fail, e.Status);
        Assert.Equal(CloseCodes.InvalidPayloadData, e.Code);
    }

    [Fact]
    public void Fails_a_text_message_ending_inside_a_code_point_even_with_an_empty_last_fragment()
    {
        var input = Frame(WsOpcode.Text, [0xCE], fin: false).Concat(Frame(WsOpcode.Continuation, [])).ToArray();
        Assert.Equal(CloseCodes.InvalidPayloadData, Run(input).Single().Code);
    }

    [Fact]
    public void Fails_a_message_over_the_limit_from_its_header_with_1009()
    {
        // Only the header is sent: the limit is enforced before any payload is buffered.
        var frame = Frame(WsOpcode.Binary, new byte[2000]);
        var e = Run(frame[..8], max: 1000).Single();
        Assert.Equal(CloseCodes.MessageTooBig, e.Code);
        var fragmented = Frame(WsOpcode.Binary, new byte[600], fin: false).Concat(Frame(WsOpcode.Continuation, new byte[600])).ToArray();
        Assert.Equal(CloseCodes.MessageTooBig, Run(fragmented, max: 1000).Single().Code);
    }

    [Fact]
    public void Accepts_a_message_of_exactly_the_limit_sent_one_byte_per_frame()
    {
        // Every frame with payload pays for itself against max-message-size: no frame count can refuse it.
        const int size = 5000;
        var input = Enumerable.Range(0, size)
            .SelectMany(i => Frame(i == 0 ? WsOpcode.Text : WsOpcode.Continuation, "a"u8.ToArray(), fin: i == size - 1)).ToArray();
        var e = Run(input, max: size, maxEmptyFragments: 0).Single();
        Assert.Equal(MessageReadStatus.Message, e.Status);
        Assert.Equal(new string('a', size), e.Payload);
    }

    [Fact]
    public void Fails_a_message_dribbled_as_empty_fragments_with_1009_once_past_the_allowance()
    {
        byte[] Empties(int n) => Text("", fin: false).Concat(Enumerable.Range(0, n - 1).SelectMany(_ => Frame(WsOpcode.Continuation, [], fin: false))).ToArray();
        Assert.Empty(Run(Empties(3), maxEmptyFragments: 3)); // still waiting for the rest of the message
        Assert.Equal(CloseCodes.MessageTooBig, Run(Empties(4), maxEmptyFragments: 3).Single().Code);
        // The empty final frame ends the message and is not counted; the count starts over with the next message.
        var twoMessages = Empties(3).Concat(Frame(WsOpcode.Continuation, [], fin: true)).Concat(Empties(3)).ToArray();
        Assert.Equal(MessageReadStatus.Message, Run(twoMessages, maxEmptyFragments: 3).First().Status);
        Assert.DoesNotContain(Run(twoMessages, maxEmptyFragments: 3), e => e.Status == MessageReadStatus.Fail);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(3000, true)]
    [InlineData(4999, true)]
    [InlineData(1005, false)]
    [InlineData(1006, false)]
    [InlineData(999, false)]
    [InlineData(2000, false)]
    [InlineData(5000, false)]
    public void Accepts_only_valid_close_codes(int code, bool valid)
    {
        var e = Run(Close((ushort)code, "bye")).Single();
        Assert.Equal(valid ? MessageReadStatus.Close : MessageReadStatus.Fail, e.Status);
        Assert.Equal(valid ? (ushort)code : CloseCodes.ProtocolError, e.Code);
    }

    [Fact]
    public void Treats_a_one_byte_close_payload_as_a_protocol_error() =>
        Assert.Equal(CloseCodes.ProtocolError, Run(Frame(WsOpcode.Close, [0x03])).Single().Code);

    [Fact]
    public void Fails_a_close_reason_that_is_not_utf8_with_1007()
    {
        var e = Run(Frame(WsOpcode.Close, [0x03, 0xE8, 0xFF, 0xFE])).Single();
        Assert.Equal(CloseCodes.InvalidPayloadData, e.Code);
    }

    [Fact]
    public void Reports_an_empty_close_as_no_status()
    {
        var e = Run(Frame(WsOpcode.Close, [])).Single();
        Assert.Equal(MessageReadStatus.Close, e.Status);
        Assert.Equal(CloseCodes.NoStatusReceived, e.Code);
    }

    [Fact]
    public void Reads_binary_messages_of_16_MiB()
    {
        var payload = new byte[16 * 1024 * 1024];
        new Random(1).NextBytes(payload);
        using var reader = new MessageReader(32 * 1024 * 1024, 1000);
        var frame = Frame(WsOpcode.Binary, payload);
        var status = MessageReadStatus.NeedMoreData;
        var offset = 0;
        while (status == MessageReadStatus.NeedMoreData)
        {
            var slice = frame.AsSpan(offset, Math.Min(65536, frame.Length - offset));
            status = reader.Read(slice, out var consumed);
            offset += consumed;
        }
        Assert.Equal(MessageReadStatus.Message, status);
        Assert.False(reader.IsText);
        Assert.True(reader.Payload.SequenceEqual(payload));
    }
}
