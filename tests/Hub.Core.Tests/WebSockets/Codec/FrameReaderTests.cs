using System.Buffers.Binary;
using CsCheck;
using Hub.Buffers;
using Hub.WebSockets;
using Hub.WebSockets.Codec;

namespace Hub.Core.Tests.WebSockets.Codec;

public sealed class FrameReaderTests
{
    private static byte[] ClientFrame(byte b0, long length, bool masked = true)
    {
        var header = new List<byte> { b0 };
        var maskBit = masked ? 0x80 : 0;
        if (length < 126) header.Add((byte)(maskBit | (int)length));
        else if (length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(length >> 8));
            header.Add((byte)length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var b = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)length);
            header.AddRange(b);
        }
        if (masked) header.AddRange(new byte[] { 1, 2, 3, 4 });
        return header.ToArray();
    }

    private static (FrameReadStatus, FrameHeader, ushort) Read(byte[] bytes, bool allowRsv1 = false)
    {
        var s = FrameReader.TryRead(bytes, requireMask: true, allowRsv1, out var h, out var code);
        return (s, h, code);
    }

    [Theory]
    [InlineData(10L)]
    [InlineData(125L)]
    [InlineData(126L)]
    [InlineData(65535L)]
    [InlineData(65536L)]
    [InlineData(16L * 1024 * 1024)]
    public void Reads_every_length_encoding(long length)
    {
        var bytes = ClientFrame(0x82, length);
        var (status, header, _) = Read(bytes);
        Assert.Equal(FrameReadStatus.Done, status);
        Assert.Equal(length, header.PayloadLength);
        Assert.Equal(bytes.Length, header.HeaderLength);
        Assert.Equal(WsOpcode.Binary, header.Opcode);
        Assert.True(header.Fin);
        Assert.Equal(Masking.ReadKey([1, 2, 3, 4]), header.MaskKey);
        // Any prefix of the header needs more data.
        for (var i = 0; i < bytes.Length; i++)
            Assert.Equal(FrameReadStatus.NeedMoreData, Read(bytes[..i]).Item1);
    }

    [Theory]
    [InlineData(0x81 | 0x40, "RSV1 without an extension")]
    [InlineData(0x81 | 0x20, "RSV2")]
    [InlineData(0x81 | 0x10, "RSV3")]
    [InlineData(0x83, "reserved data opcode 3")]
    [InlineData(0x87, "reserved data opcode 7")]
    [InlineData(0x8B, "reserved control opcode B")]
    [InlineData(0x8F, "reserved control opcode F")]
    [InlineData(0x09, "fragmented ping")]
    [InlineData(0x08, "fragmented close")]
    public void Fails_protocol_violations_with_1002(int b0, string why)
    {
        var (status, _, code) = Read(ClientFrame((byte)b0, 5));
        Assert.True(status == FrameReadStatus.Invalid, why);
        Assert.Equal(CloseCodes.ProtocolError, code);
    }

    [Fact]
    public void Fails_an_unmasked_client_frame_with_1002()
    {
        var (status, _, code) = Read(ClientFrame(0x81, 5, masked: false));
        Assert.Equal(FrameReadStatus.Invalid, status);
        Assert.Equal(CloseCodes.ProtocolError, code);
    }

    [Fact]
    public void Fails_a_control_frame_over_125_bytes_with_1002()
    {
        var (status, _, code) = Read(ClientFrame(0x89, 126));
        Assert.Equal(FrameReadStatus.Invalid, status);
        Assert.Equal(CloseCodes.ProtocolError, code);
    }

    [Fact]
    public void Fails_a_64_bit_length_with_the_top_bit_set_with_1002()
    {
        var frame = new byte[] { 0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4 };
        var (status, _, code) = Read(frame);
        Assert.Equal(FrameReadStatus.Invalid, status);
        Assert.Equal(CloseCodes.ProtocolError, code);
    }

    [Fact]
    public void Allows_RSV1_on_data_frames_when_deflate_was_negotiated_but_never_on_control_frames()
    {
        Assert.Equal(FrameReadStatus.Done, Read(ClientFrame(0xC1, 5), allowRsv1: true).Item1);
        Assert.Equal(FrameReadStatus.Invalid, Read(ClientFrame(0xC9, 5), allowRsv1: true).Item1);
    }

    [Fact]
    public void Server_frames_round_trip_through_the_reader_with_minimal_length_encoding()
    {
        Gen.Select(Gen.Int[0, 70_000], Gen.OneOfConst(WsOpcode.Text, WsOpcode.Binary, WsOpcode.Continuation), Gen.Bool)
            .Sample((length, opcode, fin) =>
            {
                using var w = new PooledBufferWriter();
                FrameWriter.WriteFrame(w, opcode, new byte[length], fin);
                var status = FrameReader.TryRead(w.WrittenSpan, requireMask: false, allowRsv1: false, out var h, out _);
                var minimal = length < 126 ? 2 : length <= 65535 ? 4 : 10;
                return status == FrameReadStatus.Done && h.PayloadLength == length && h.Opcode == opcode && h.Fin == fin
                       && !h.Masked && h.HeaderLength == minimal && w.WrittenCount == minimal + length;
            }, iter: 300);
    }

    [Fact]
    public void Close_frames_carry_the_code_and_a_reason_cut_to_the_control_limit()
    {
        using var w = new PooledBufferWriter();
        FrameWriter.WriteClose(w, CloseCodes.GoingAway, new string('é', 200));
        var frame = w.WrittenSpan;
        Assert.Equal(0x88, frame[0]);
        Assert.True(frame[1] <= 125);
        Assert.Equal(CloseCodes.GoingAway, BinaryPrimitives.ReadUInt16BigEndian(frame[2..]));
        Assert.True(System.Text.Unicode.Utf8.IsValid(frame[4..]));
    }

    [Theory]
    [InlineData(999, false)]
    [InlineData(1000, true)]
    [InlineData(1003, true)]
    [InlineData(1004, false)]
    [InlineData(1005, false)]
    [InlineData(1006, false)]
    [InlineData(1007, true)]
    [InlineData(1014, true)]
    [InlineData(1015, false)]
    [InlineData(1016, false)]
    [InlineData(2999, false)]
    [InlineData(3000, true)]
    [InlineData(4999, true)]
    [InlineData(5000, false)]
    public void Knows_which_close_codes_may_be_sent(int code, bool valid) => Assert.Equal(valid, CloseCodes.IsValidOnWire(code));
}
