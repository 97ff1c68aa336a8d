using System.Text;
using Hub.Core.Tests.TestKit;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>
/// Content-Length and chunked bodies (RFC 9112 §6–§7) through the real incremental path, with the small test
/// settings: body-chunk-size 16 B, max-request-body-size 1000 B.
/// </summary>
public sealed class Http1BodyReaderTests
{
    private const string Chunked = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

    private const string Extensions = Chunked + "5;name=value\r\nhello\r\n6;a;b=\"q;u=o\\\"ted\"\r\n world\r\n0\r\n\r\n";
    private const string TrailersAndLastChunkExtension = Chunked + "b\r\nhello world\r\n0;done=1\r\nChecksum: 1\r\nX-T:\r\n\r\n";
    private const string HexCaseAndZeros = Chunked + "0000B\r\nhello world\r\n0\r\n\r\n";
    private const string LongChunk = Chunked + "28\r\n0123456789abcdefghijklmnopqrstuvwxyzABCD\r\n0\r\n\r\n";
    private const string ManySmallChunks = Chunked + "1\r\nh\r\n1\r\ne\r\n1\r\nl\r\n1\r\nl\r\n1\r\no\r\n0\r\n\r\n";
    private const string WhitespaceBeforeExtension = Chunked + "5 ;x\r\nhello\r\n6\t;y\r\n world\r\n0 ; z\r\n\r\n";
    private const string FixedLength = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n\r\n0123456789abcdefghijklmnopqrstuvwxyzABCD";
    private const string ChunkedThenPipelined = Chunked + "5\r\nhello\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n";
    private const string FixedThenPipelined = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHost: a\r\n\r\n";

    [Theory]
    [MemberData(nameof(Requests.SplitEverywhere), Extensions, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), TrailersAndLastChunkExtension, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), HexCaseAndZeros, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), WhitespaceBeforeExtension, MemberType = typeof(Requests))]
    public void Reads_hello_world_from_chunked_bodies_at_every_split_point(Chunks chunks)
    {
        var r = ReadOne(chunks);
        Assert.Equal("hello world", Encoding.ASCII.GetString(r.Body));
    }

    [Theory]
    [MemberData(nameof(Requests.SplitEverywhere), LongChunk, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), FixedLength, MemberType = typeof(Requests))]
    public void Never_hands_out_a_slice_over_body_chunk_size(Chunks chunks)
    {
        var r = ReadOne(chunks);
        Assert.Equal("0123456789abcdefghijklmnopqrstuvwxyzABCD", Encoding.ASCII.GetString(r.Body));
        Assert.All(r.Slices, s => Assert.InRange(s.Length, 1, TestSettings.Small.BodyChunkSize));
    }

    [Fact]
    public void Slices_a_body_that_arrives_whole_into_full_body_chunk_size_pieces()
    {
        var r = ReadOne(Chunks.Single(LongChunk));
        Assert.Equal([16, 16, 8], r.Slices.Select(s => s.Length));
        Assert.Equal([16, 16, 8], ReadOne(Chunks.Single(FixedLength)).Slices.Select(s => s.Length));
    }

    [Theory]
    [MemberData(nameof(Requests.SplitEverywhere), ManySmallChunks, MemberType = typeof(Requests))]
    public void Reads_one_byte_chunks(Chunks chunks) => Assert.Equal("hello"u8.ToArray(), ReadOne(chunks).Body);

    [Theory]
    [MemberData(nameof(Requests.SplitEverywhere), ChunkedThenPipelined, MemberType = typeof(Requests))]
    [MemberData(nameof(Requests.SplitEverywhere), FixedThenPipelined, MemberType = typeof(Requests))]
    public void Stops_exactly_at_the_end_of_the_body(Chunks chunks)
    {
        using var d = DecoderDriver.Run(TestSettings.Small, chunks);
        Assert.Null(d.Rejection);
        Assert.Equal(2, d.Requests.Count);
        Assert.Equal("hello"u8.ToArray(), d.Requests[0].Body);
        Assert.Equal("/next", d.Requests[1].Head.Target);
        Assert.All(d.Requests, r => Assert.True(r.Complete));
    }

    [Fact]
    public void Waits_for_the_rest_of_a_short_body()
    {
        using var d = DecoderDriver.Run(TestSettings.Small, [Requests.Bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello")]);
        Assert.Null(d.Rejection);
        var r = Assert.Single(d.Requests);
        Assert.False(r.Complete);
        Assert.Equal("hello"u8.ToArray(), r.Body);
    }

    [Fact]
    public void Accepts_a_chunked_body_of_exactly_the_limit_and_refuses_one_byte_more()
    {
        var body = Chunked + "1f4\r\n" + new string('a', 500) + "\r\n1f4\r\n" + new string('b', 500) + "\r\n";
        using var ok = DecoderDriver.Run(TestSettings.Small, [Requests.Bytes(body + "0\r\n\r\n")]);
        Assert.Null(ok.Rejection);
        Assert.Equal(1000, ok.Requests.Single().Body.Length);

        using var over = DecoderDriver.Run(TestSettings.Small, [Requests.Bytes(body + "1\r\n")]);
        Assert.Equal(RejectionReason.BodyTooLarge, over.Rejection);
    }

    [Fact]
    public void Refuses_trailers_over_the_header_size_limit_with_431()
    {
        var trailers = string.Concat(Enumerable.Repeat("X-Trailer: " + new string('t', 50) + "\r\n", 10));
        using var d = DecoderDriver.Run(TestSettings.Small, [Requests.Bytes(Chunked + "0\r\n" + trailers)]);
        Assert.Equal(RejectionReason.HeadersTooLarge, d.Rejection);
        Assert.Equal(431, HttpRejection.StatusOf(RejectionReason.HeadersTooLarge));
    }

    [Fact]
    public void Refuses_a_trailer_line_over_4_KiB_whether_or_not_its_end_has_arrived()
    {
        var settings = TestSettings.Small with { MaxRequestHeadersTotalSize = 64 * 1024 };
        var line = "X-Long: " + new string('t', 5000);
        using var whole = DecoderDriver.Run(settings, [Requests.Bytes(Chunked + "0\r\n" + line + "\r\n\r\n")]);
        using var partial = DecoderDriver.Run(settings, [Requests.Bytes(Chunked + "0\r\n" + line)]);
        Assert.Equal(RejectionReason.InvalidChunk, whole.Rejection);
        Assert.Equal(RejectionReason.InvalidChunk, partial.Rejection);
    }

    [Fact]
    public void Refuses_a_chunk_size_line_that_never_ends()
    {
        using var d = DecoderDriver.Run(TestSettings.Small, [Requests.Bytes(Chunked + "5;" + new string('x', 5000))]);
        Assert.Equal(RejectionReason.InvalidChunk, d.Rejection);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("5", 5L)]
    [InlineData("a", 10L)]
    [InlineData("Ff", 255L)]
    [InlineData("000000000000000000001", 1L)]
    [InlineData("7fffffffffffffff", long.MaxValue)]
    [InlineData("5;name=value", 5L)]
    [InlineData("5;name=\"quoted;value\"", 5L)]
    [InlineData("5 ; a ; b = c", 5L)]
    [InlineData("5\t;x", 5L)]
    public void Parses_chunk_size_lines(string line, long expected)
    {
        Assert.True(Http1BodyReader.TryParseChunkSize(Encoding.Latin1.GetBytes(line), out var size));
        Assert.Equal(expected, size);
    }

    [Theory]
    [InlineData("")]
    [InlineData(";x")]
    [InlineData("g")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("0x1")]
    [InlineData(" 1")]
    [InlineData("1 1")]
    [InlineData("1x")]
    [InlineData("1 ")]
    [InlineData("1\t")]
    [InlineData("1 x")]
    [InlineData("8000000000000000")]
    [InlineData("fffffffffffffffff")]
    [InlineData("1;a\u0000")]
    [InlineData("1;a\rb")]
    [InlineData("1;a\u007f")]
    public void Refuses_bad_chunk_size_lines(string line) =>
        Assert.False(Http1BodyReader.TryParseChunkSize(Encoding.Latin1.GetBytes(line), out _));

    // Chunked framing is CRLF at every line end (RFC 9112 §7.1): a bare LF in any of the five places is a 400,
    // whole or split, and nothing pipelined after it is read.
    [Theory]
    [InlineData("chunk-size line", "5\nhello\r\n0\r\n\r\n")]
    [InlineData("chunk-size line with an extension", "5;a=b\nhello\r\n0\r\n\r\n")]
    [InlineData("end of chunk-data", "5\r\nhello\n0\r\n\r\n")]
    [InlineData("last-chunk line", "5\r\nhello\r\n0\n\r\n")]
    [InlineData("trailer line", "5\r\nhello\r\n0\r\nX-T: 1\n\r\n")]
    [InlineData("end of the trailer section", "5\r\nhello\r\n0\r\n\n")]
    [InlineData("end of the trailer section after a trailer", "5\r\nhello\r\n0\r\nX-T: 1\r\n\n")]
    [InlineData("bare CR at the end of chunk-data", "5\r\nhello\rX0\r\n\r\n")]
    [InlineData("CR CR LF after a chunk-size", "5\r\r\nhello\r\n0\r\n\r\n")]
    public void Refuses_a_bare_line_feed_or_carriage_return_in_chunked_framing(string place, string body)
    {
        foreach (var chunks in Requests.Splits(Encoding.Latin1.GetBytes(Chunked + body + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n")))
        {
            using var d = DecoderDriver.Run(TestSettings.Small, chunks);
            Assert.True(d.Rejection == RejectionReason.InvalidChunk, $"{place}, {chunks}: {d.Rejection}");
            Assert.Single(d.Requests);
        }
    }

    [Fact]
    public void Refuses_the_reported_smuggling_body_and_reads_nothing_after_it()
    {
        // The black-box report: a 16-byte chunk ended by a bare LF, then bytes a lenient reader would serve.
        const string json = "{\"name\":\"abcde\"}";
        Assert.Equal(16, json.Length);
        var input = "POST /items HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
                    + "10\r\n" + json + "\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        using var d = DecoderDriver.Run(TestSettings.Default, [Encoding.ASCII.GetBytes(input)]);
        Assert.Equal(RejectionReason.InvalidChunk, d.Rejection);
        Assert.Equal("/items", Assert.Single(d.Requests).Head.Target);
    }

    [Theory]
    [InlineData("5;")]
    [InlineData("5;=v")]
    [InlineData("5;a=")]
    [InlineData("5;a b")]
    [InlineData("5;a=b c")]
    [InlineData("5;a=\"unterminated")]
    [InlineData("5;a=\"x\"y")]
    [InlineData("5;a=\"x\\")]
    [InlineData("5;a=(b)")]
    [InlineData("5;a;")]
    [InlineData("5 ;a ")]
    public void Refuses_chunk_extensions_outside_the_grammar(string line) =>
        Assert.False(Http1BodyReader.TryParseChunkSize(Encoding.Latin1.GetBytes(line), out _));

    [Theory]
    [InlineData("5;a=\"\"")]
    [InlineData("5;a=\"x\\\"y\"")]
    [InlineData("5;a=\"sp ace\";b;c=d")]
    [InlineData("5\t;\ta\t=\tb")]
    public void Accepts_chunk_extensions_in_the_grammar(string line) =>
        Assert.True(Http1BodyReader.TryParseChunkSize(Encoding.Latin1.GetBytes(line), out _));

    [Fact]
    public void Consumes_framing_while_waiting_for_data()
    {
        var reader = new Http1BodyReader(1000, 16, 256);
        reader.Start(BodyFraming.Chunked, 0);
        var status = reader.Read("5;x=y\r\n"u8, out var consumed, out _, out _);
        Assert.Equal(BodyReadStatus.NeedMoreData, status);
        Assert.Equal(7, consumed);

        Assert.Equal(BodyReadStatus.Data, reader.Read("hel"u8, out consumed, out var data, out _));
        Assert.Equal((3, new Range(0, 3)), (consumed, data));
        Assert.False(reader.IsDone);
    }

    [Fact]
    public void Is_done_at_once_for_no_body_and_a_zero_length()
    {
        var reader = new Http1BodyReader(1000, 16, 256);
        reader.Start(BodyFraming.None, 0);
        Assert.True(reader.IsDone);
        Assert.Equal(BodyReadStatus.Done, reader.Read(default, out var consumed, out _, out _));
        Assert.Equal(0, consumed);
        reader.Start(BodyFraming.ContentLength, 0);
        Assert.True(reader.IsDone);
    }

    [Fact]
    public void Starts_over_cleanly_for_the_next_request()
    {
        var reader = new Http1BodyReader(10, 16, 256);
        reader.Start(BodyFraming.Chunked, 0);
        Assert.Equal(BodyReadStatus.Data, reader.Read("8\r\n12345678"u8, out _, out _, out _));
        // A fresh body has the whole limit again.
        reader.Start(BodyFraming.Chunked, 0);
        Assert.Equal(BodyReadStatus.Data, reader.Read("8\r\n12345678"u8, out _, out _, out _));
    }

    private static DecodedRequest ReadOne(Chunks chunks)
    {
        using var d = DecoderDriver.Run(TestSettings.Small, chunks);
        Assert.Null(d.Rejection);
        var r = Assert.Single(d.Requests);
        Assert.True(r.Complete, "End after the body");
        return r;
    }
}
