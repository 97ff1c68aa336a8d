using System.Text;
using BenchmarkDotNet.Attributes;
using Hub.Configuration;
using Hub.Http.Codec;

namespace Hub.Benchmarks;

/// <summary>
/// The request side of the HTTP/1.1 codec without Akka: a typical browser GET (~400 B, 8 headers) and small POSTs
/// (Content-Length and chunked) through <see cref="Http1RequestReader"/> and <see cref="Http1BodyReader"/>, as the
/// decoder stage drives them for one request already in the receive buffer.
/// </summary>
[MemoryDiagnoser]
public class RequestDecoderBenchmarks
{
    internal const string BrowserGet =
        "GET /search?q=hub+server&lang=en HTTP/1.1\r\n" +
        "Host: www.example.com\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
        "Accept-Language: en-US,en;q=0.5\r\n" +
        "Accept-Encoding: gzip, deflate, br\r\n" +
        "Connection: keep-alive\r\n" +
        "Cookie: session=abc123; theme=dark\r\n" +
        "Upgrade-Insecure-Requests: 1\r\n" +
        "\r\n";

    internal const string SmallPost =
        "POST /items HTTP/1.1\r\n" +
        "Host: localhost:8888\r\n" +
        "Content-Type: application/json\r\n" +
        "Content-Length: 27\r\n" +
        "\r\n" +
        "{\"name\":\"widget\",\"qty\":12}\n";

    internal const string ChunkedPost =
        "POST /upload HTTP/1.1\r\n" +
        "Host: localhost:8888\r\n" +
        "Content-Type: text/plain\r\n" +
        "Transfer-Encoding: chunked\r\n" +
        "\r\n" +
        "d\r\nHello, world!\r\n" +
        "e\r\n Hello, again!\r\n" +
        "0\r\n\r\n";

    private readonly byte[] _browserGet = Encoding.ASCII.GetBytes(BrowserGet);
    private readonly byte[] _smallPost = Encoding.ASCII.GetBytes(SmallPost);
    private readonly byte[] _chunkedPost = Encoding.ASCII.GetBytes(ChunkedPost);
    private readonly HttpSettings _settings = HubSettings.Default.Http;

    [Benchmark(Description = "GET 8 headers (head)")]
    public object ParseBrowserGet() => ReadHead(_browserGet, out _);

    [Benchmark(Description = "POST Content-Length 27 B (head + body)")]
    public int ParseSmallPost() => ReadWhole(_smallPost);

    [Benchmark(Description = "POST chunked 27 B (head + body)")]
    public int ParseChunkedPost() => ReadWhole(_chunkedPost);

    private RequestHead ReadHead(byte[] input, out int consumed)
    {
        var reader = new Http1RequestReader(_settings);
        if (reader.TryRead(input, out consumed, out var head, out _) != ReadStatus.Done) throw new InvalidOperationException();
        return head!;
    }

    private int ReadWhole(byte[] input)
    {
        var head = ReadHead(input, out var consumed);
        var body = new Http1BodyReader(_settings.MaxRequestBodySize, _settings.BodyChunkSize, _settings.MaxRequestHeadersTotalSize);
        body.Start(head.Framing, head.ContentLength);
        var rest = input.AsSpan(consumed);
        var bodyBytes = 0;
        while (true)
        {
            var status = body.Read(rest, out var used, out var data, out _);
            if (status == BodyReadStatus.Data) bodyBytes += data.GetOffsetAndLength(rest.Length).Length;
            else if (status != BodyReadStatus.Done) throw new InvalidOperationException(status.ToString());
            rest = rest[used..];
            if (status == BodyReadStatus.Done) return bodyBytes;
        }
    }
}
