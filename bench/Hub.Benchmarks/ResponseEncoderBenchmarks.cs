using BenchmarkDotNet.Attributes;
using Hub.Buffers;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Benchmarks;

/// <summary>
/// The response side: a 200 head with a 12-byte body, and one chunk of a streamed body, rendered by
/// <see cref="Http1ResponseWriter"/> into a buffer writer reused across operations (as the encoder stage reuses
/// pooled arrays), so only the writer's own allocations show.
/// </summary>
[MemoryDiagnoser]
public class ResponseEncoderBenchmarks
{
    private static readonly byte[] ServerLine = "Server: Hub\r\n"u8.ToArray();
    private static readonly byte[] HelloWorld = "Hello, world"u8.ToArray();
    private static readonly byte[] Update = "Update 7\n"u8.ToArray();

    private readonly PooledBufferWriter _writer = new(1024);
    private readonly HttpHeaders _headers = new();

    [GlobalSetup]
    public void Setup() => _headers.Add("Content-Type", "text/plain; charset=UTF-8");

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    [Benchmark(Description = "200 head + 12 B body")]
    public int RenderHeadAndBody()
    {
        _writer.Clear();
        Http1ResponseWriter.WriteHead(_writer, 200, null, _headers, ResponseFraming.ContentLength, HelloWorld.Length,
            ConnectionMode.KeepAlive11, ServerLine);
        Http1ResponseWriter.Write(_writer, HelloWorld);
        return _writer.WrittenCount;
    }

    [Benchmark(Description = "chunk 9 B")]
    public int RenderChunk()
    {
        _writer.Clear();
        Http1ResponseWriter.WriteChunk(_writer, Update);
        return _writer.WrittenCount;
    }
}
