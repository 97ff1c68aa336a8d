using BenchmarkDotNet.Attributes;
using Hub.Buffers;
using Hub.WebSockets;
using Hub.WebSockets.Codec;

namespace Hub.Benchmarks;

/// <summary>
/// The WebSocket codec without an ActorSystem: decoding a masked 32-byte client text frame into a message (header,
/// unmasking, UTF-8 check), rendering a server frame into a reused writer, and preparing a broadcast frame once.
/// </summary>
[MemoryDiagnoser]
public class FrameCodecBenchmarks
{
    private readonly byte[] _clientFrame = BuildClientFrame("0123456789abcdef0123456789abcdef"u8.ToArray());
    private readonly byte[] _payload = "0123456789abcdef0123456789abcdef"u8.ToArray();
    private readonly PooledBufferWriter _writer = new(256);
    private MessageReader _reader = null!;

    [GlobalSetup]
    public void Setup() => _reader = new MessageReader(10 * 1024 * 1024, 1024);

    [GlobalCleanup]
    public void Cleanup()
    {
        _reader.Dispose();
        _writer.Dispose();
    }

    [Benchmark(Description = "decode masked 32 B text frame")]
    public int DecodeTextFrame()
    {
        var status = _reader.Read(_clientFrame, out var consumed);
        return status == MessageReadStatus.Message ? consumed + _reader.Payload.Length : -1;
    }

    [Benchmark(Description = "write 32 B server frame")]
    public int WriteServerFrame()
    {
        _writer.Clear();
        FrameWriter.WriteFrame(_writer, WsOpcode.Text, _payload);
        return _writer.WrittenCount;
    }

    [Benchmark(Description = "prepare 32 B broadcast frame (once per publish)")]
    public int PrepareBroadcastFrame() => PreparedFrame.Text(_payload).Size;

    private static byte[] BuildClientFrame(byte[] payload)
    {
        byte[] key = [0x12, 0x34, 0x56, 0x78];
        var frame = new byte[2 + 4 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        key.CopyTo(frame, 2);
        for (var i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ key[i % 4]);
        return frame;
    }
}
