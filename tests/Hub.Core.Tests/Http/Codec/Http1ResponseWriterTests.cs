using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hub.Buffers;
using Hub.Core.Tests.TestKit;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>Status line, header section and chunk framing as bytes (RFC 9112 §4, §7.1).</summary>
public sealed partial class Http1ResponseWriterTests
{
    private static readonly byte[] ServerLine = "Server: Hub\r\n"u8.ToArray();

    [Fact]
    public void Writes_status_line_Date_Server_framing_then_the_handler_headers_in_order()
    {
        var headers = new HttpHeaders();
        headers.Add("Content-Type", "text/plain");
        headers.Add("X-B", "2");
        headers.Add("X-A", "1");
        var text = Head(200, null, headers, ResponseFraming.ContentLength, 12, ConnectionMode.KeepAlive11, ServerLine);

        var lines = text.Split("\r\n");
        Assert.Equal("HTTP/1.1 200 OK", lines[0]);
        Assert.Matches(ImfFixdate(), lines[1]);
        Assert.Equal(["Server: Hub", "Content-Length: 12", "Content-Type: text/plain", "X-B: 2", "X-A: 1", "", ""], lines[2..]);
    }

    [Fact]
    public void Dates_the_response_with_the_current_second_in_IMF_fixdate()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var text = Head(204, null, new HttpHeaders(), ResponseFraming.NoBody, 0, ConnectionMode.KeepAlive11, []);
        var date = DateTimeOffset.ParseExact(ImfFixdate().Match(text).Groups[1].Value, "r", CultureInfo.InvariantCulture);
        Assert.InRange(date, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public void Uses_a_custom_reason_or_the_standard_phrase()
    {
        Assert.StartsWith("HTTP/1.1 404 Nothing Here\r\n", Head(404, "Nothing Here", new HttpHeaders(), ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive11, []));
        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", Head(431, null, new HttpHeaders(), ResponseFraming.ContentLength, 0, ConnectionMode.Close, []));
        Assert.StartsWith("HTTP/1.1 599 Unknown\r\n", Head(599, null, new HttpHeaders(), ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive11, []));
    }

    [Fact]
    public void Says_how_the_body_is_framed()
    {
        var none = new HttpHeaders();
        Assert.Contains("\r\nContent-Length: 30000000000\r\n", Head(200, null, none, ResponseFraming.ContentLength, 30_000_000_000, ConnectionMode.KeepAlive11, []));
        Assert.Contains("\r\nContent-Length: 0\r\n", Head(200, null, none, ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive11, []));
        Assert.Contains("\r\nTransfer-Encoding: chunked\r\n", Head(200, null, none, ResponseFraming.Chunked, 0, ConnectionMode.KeepAlive11, []));
        foreach (var framing in new[] { ResponseFraming.NoBody, ResponseFraming.CloseDelimited })
        {
            var text = Head(200, null, none, framing, 5, ConnectionMode.Close, []);
            Assert.DoesNotContain("Content-Length", text);
            Assert.DoesNotContain("Transfer-Encoding", text);
        }
    }

    [Fact]
    public void Says_what_happens_to_the_connection()
    {
        var none = new HttpHeaders();
        Assert.DoesNotContain("Connection", Head(200, null, none, ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive11, []));
        Assert.Contains("\r\nConnection: keep-alive\r\n", Head(200, null, none, ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive10, []));
        Assert.Contains("\r\nConnection: close\r\n", Head(200, null, none, ResponseFraming.ContentLength, 0, ConnectionMode.Close, []));
        Assert.Contains("\r\nConnection: Upgrade\r\n", Head(101, null, none, ResponseFraming.NoBody, 0, ConnectionMode.Upgrade, []));
    }

    [Fact]
    public void Writes_header_values_as_UTF_8()
    {
        var headers = new HttpHeaders();
        headers.Add("Content-Disposition", "attachment; filename=\"café ☕.txt\"");
        var w = new ArrayBufferWriter<byte>();
        Http1ResponseWriter.WriteHead(w, 200, null, headers, ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive11, []);
        var r = ResponseParser.ParseSingle(w.WrittenSpan.ToArray());
        Assert.Equal("attachment; filename=\"café ☕.txt\"", r.Header("Content-Disposition"));
    }

    [Fact]
    public void Writes_many_large_headers_through_a_small_buffer()
    {
        var headers = new HttpHeaders();
        for (var i = 0; i < 50; i++) headers.Add($"X-{i}", new string((char)('a' + i % 26), 300));
        using var w = new PooledBufferWriter(16);
        Http1ResponseWriter.WriteHead(w, 200, null, headers, ResponseFraming.ContentLength, 0, ConnectionMode.KeepAlive11, ServerLine);
        var r = ResponseParser.ParseSingle(w.WrittenSpan.ToArray());
        Assert.Equal(headers.Select(h => h.Key), r.OwnHeaders.Select(h => h.Key));
        Assert.Equal(headers.Select(h => h.Value), r.OwnHeaders.Select(h => h.Value));
    }

    [Fact]
    public void Frames_chunks_with_uppercase_hex_sizes_and_ends_with_the_last_chunk()
    {
        var w = new ArrayBufferWriter<byte>();
        Http1ResponseWriter.WriteChunk(w, "hello"u8);
        Http1ResponseWriter.WriteChunk(w, new byte[255]);
        Http1ResponseWriter.WriteChunk(w, ReadOnlySpan<byte>.Empty);
        Http1ResponseWriter.WriteLastChunk(w);
        var text = Encoding.Latin1.GetString(w.WrittenSpan);
        Assert.StartsWith("5\r\nhello\r\nFF\r\n", text);
        Assert.EndsWith("\r\n0\r\n\r\n", text);
        Assert.Equal(3 + 5 + 2 + 4 + 255 + 2 + 5, w.WrittenCount);
    }

    [Fact]
    public void Writes_nothing_for_an_empty_chunk_because_it_would_end_the_body()
    {
        var w = new ArrayBufferWriter<byte>();
        Http1ResponseWriter.WriteChunk(w, []);
        Assert.Equal(0, w.WrittenCount);
    }

    [Fact]
    public void Writes_chunk_sizes_up_to_int_max()
    {
        var w = new ArrayBufferWriter<byte>();
        Http1ResponseWriter.WriteChunkSize(w, int.MaxValue);
        Assert.Equal("7FFFFFFF\r\n", Encoding.ASCII.GetString(w.WrittenSpan));
    }

    [Fact]
    public void Writes_the_interim_100_Continue()
    {
        var w = new ArrayBufferWriter<byte>();
        Http1ResponseWriter.WriteContinue(w);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(w.WrittenSpan));
    }

    [Fact]
    public void Renders_into_a_reused_buffer_writer_the_same_way_each_time()
    {
        using var w = new PooledBufferWriter(64);
        var headers = new HttpHeaders();
        headers.Add("Content-Type", "text/plain");
        string? first = null;
        for (var i = 0; i < 3; i++)
        {
            w.Clear();
            Http1ResponseWriter.WriteHead(w, 200, null, headers, ResponseFraming.ContentLength, 12, ConnectionMode.KeepAlive11, ServerLine);
            Http1ResponseWriter.Write(w, "Hello, world"u8);
            var text = ImfFixdate().Replace(Encoding.ASCII.GetString(w.WrittenSpan), "Date: X");
            first ??= text;
            Assert.Equal(first, text);
        }
        Assert.Equal("Hello, world"u8.ToArray(), ResponseParser.ParseSingle(w.WrittenSpan.ToArray()).Body);
    }

    private static string Head(int status, string? reason, HttpHeaders headers, ResponseFraming framing, long length,
        ConnectionMode connection, byte[] serverLine)
    {
        var w = new ArrayBufferWriter<byte>();
        Http1ResponseWriter.WriteHead(w, status, reason, headers, framing, length, connection, serverLine);
        return Encoding.UTF8.GetString(w.WrittenSpan);
    }

    // IMF-fixdate (RFC 9110 §5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    [GeneratedRegex(@"Date: ([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)")]
    private static partial Regex ImfFixdate();
}
