using System.IO.Compression;
using System.Text;
using Akka.IO;
using Hub.Configuration;
using Hub.Handlers;
using Hub.Http;

namespace Hub.Core.Tests.Handlers;

public sealed class ResponseCompressorTests
{
    private static readonly CompressionSettings On = HubSettings.Default.Compression with { Enabled = true, MinSize = 100 };

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("gzip, deflate, br", "gzip")]
    [InlineData("deflate, gzip", "gzip")]
    [InlineData("gzip;q=0.5, deflate", "deflate")]
    [InlineData("gzip; q=0.9, deflate; q=0.8", "gzip")]
    [InlineData("deflate;q=0.2, gzip;q=0.1", "deflate")]
    [InlineData("GZIP", "gzip")]
    [InlineData("x-gzip", "gzip")]
    [InlineData("*", "gzip")]
    [InlineData("gzip;q=0, *", "deflate")]
    [InlineData("*;q=0.5, deflate;q=0.9", "deflate")]
    [InlineData("identity", null)]
    [InlineData("identity, br", null)]
    [InlineData("gzip;q=0, deflate;q=0", null)]
    [InlineData("*;q=0", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Negotiates_the_coding_from_Accept_Encoding(string? acceptEncoding, string? expected) =>
        Assert.Equal(expected, ResponseCompressor.Negotiate(acceptEncoding));

    [Fact]
    public void Starts_for_a_compressible_type_setting_Content_Encoding_and_Vary()
    {
        var headers = Headers("text/html; charset=UTF-8");
        var c = ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "gzip")), 200, headers, 5000);
        Assert.NotNull(c);
        Assert.Equal("gzip", c.Coding);
        Assert.Equal("gzip", headers.Get("Content-Encoding"));
        Assert.Equal("Accept-Encoding", headers.Get("Vary"));
    }

    [Fact]
    public void Weakens_a_strong_ETag_of_the_identity_body_when_it_compresses()
    {
        var headers = Headers("text/css");
        headers.Set("ETag", "\"abc\"");
        ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "gzip")), 200, headers, 5000);
        Assert.Equal("W/\"abc\"", headers.Get("ETag"));
        var plain = Headers("text/css");
        plain.Set("ETag", "\"abc\"");
        ResponseCompressor.TryCreate(On, Requests.Make("GET", "/"), 200, plain, 5000);
        Assert.Equal("\"abc\"", plain.Get("ETag"));
    }

    [Fact]
    public void Appends_to_an_existing_Vary_once()
    {
        var headers = Headers("application/json");
        headers.Set("Vary", "Cookie");
        ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "gzip")), 200, headers, 5000);
        Assert.Equal("Cookie, Accept-Encoding", headers.Get("Vary"));
        var again = Headers("application/json");
        again.Set("Vary", "accept-encoding");
        ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "gzip")), 200, again, 5000);
        Assert.Equal("accept-encoding", again.Get("Vary"));
    }

    [Fact]
    public void Declines_but_still_varies_when_the_client_accepts_no_coding_or_the_body_is_small()
    {
        var identityOnly = Headers("text/plain");
        Assert.Null(ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "identity")), 200, identityOnly, 5000));
        Assert.Equal("Accept-Encoding", identityOnly.Get("Vary"));
        Assert.False(identityOnly.Contains("Content-Encoding"));

        var small = Headers("text/plain");
        Assert.Null(ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "gzip")), 200, small, 99));
        Assert.Equal("Accept-Encoding", small.Get("Vary"));
        Assert.False(small.Contains("Content-Encoding"));
    }

    [Theory]
    [InlineData("image/png", 200, "GET", true)]
    [InlineData("application/octet-stream", 200, "GET", true)]
    [InlineData("text/plain", 204, "GET", true)]
    [InlineData("text/plain", 206, "GET", true)]
    [InlineData("text/plain", 304, "GET", true)]
    [InlineData("text/plain", 200, "HEAD", true)]
    [InlineData("text/plain", 200, "GET", false)]
    public void Declines_what_must_not_or_need_not_be_compressed(string type, int status, string method, bool enabled)
    {
        var headers = Headers(type);
        var settings = On with { Enabled = enabled };
        Assert.Null(ResponseCompressor.TryCreate(settings, Requests.Make(method, "/", ("Accept-Encoding", "gzip")), status, headers, 5000));
        Assert.False(headers.Contains("Content-Encoding"));
    }

    [Fact]
    public void Leaves_a_response_that_already_has_a_Content_Encoding_alone()
    {
        var headers = Headers("text/plain");
        headers.Set("Content-Encoding", "br");
        Assert.Null(ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "gzip")), 200, headers, 5000));
        Assert.Equal("br", headers.Get("Content-Encoding"));
    }

    [Fact]
    public void Streaming_responses_of_unknown_length_qualify()
    {
        var headers = Headers("text/plain");
        Assert.NotNull(ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "deflate")), 200, headers, null));
        Assert.Equal("deflate", headers.Get("Content-Encoding"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public void Each_flush_is_decodable_on_its_own_and_the_whole_stream_round_trips(string coding)
    {
        var headers = Headers("text/plain");
        var c = ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", coding)), 200, headers, null)!;
        var wire = new MemoryStream();
        using var decoder = Decoder(coding, wire);
        var parts = new[] { "first part\n", "second part\n", "" };
        var expected = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var isLast = i == parts.Length - 1;
            var bytes = c.Compress(ByteString.FromString(parts[i], Encoding.UTF8), isLast);
            var at = wire.Position;
            wire.Seek(0, SeekOrigin.End);
            wire.Write(bytes.ToArray());
            wire.Position = at;
            if (parts[i].Length == 0) continue;
            // A sync flush: the decoder yields this part now, without waiting for the end of the stream.
            var buffer = new byte[parts[i].Length];
            decoder.ReadExactly(buffer);
            Assert.Equal(parts[i], Encoding.UTF8.GetString(buffer));
            expected.Append(parts[i]);
        }
        Assert.Equal(0, decoder.Read(new byte[16]));
        Assert.True(c.Compress(ByteString.FromString("late"), isLast: true).IsEmpty);
    }

    [Fact]
    public void Deflate_is_the_zlib_format_as_HTTP_defines_it()
    {
        var c = ResponseCompressor.TryCreate(On, Requests.Make("GET", "/", ("Accept-Encoding", "deflate")), 200, Headers("text/plain"), null)!;
        var body = string.Concat(Enumerable.Repeat("hello deflate ", 100));
        var bytes = c.Compress(ByteString.FromString(body), isLast: true).ToArray();
        Assert.Equal(0x78, bytes[0]); // zlib header (RFC 1950), not raw deflate
        using var z = new ZLibStream(new MemoryStream(bytes), CompressionMode.Decompress);
        Assert.Equal(body, new StreamReader(z).ReadToEnd());
        Assert.True(bytes.Length < body.Length);
    }

    private static HttpHeaders Headers(string contentType)
    {
        var h = new HttpHeaders();
        h.Set("Content-Type", contentType);
        return h;
    }

    private static Stream Decoder(string coding, Stream wire) => coding == "gzip"
        ? new GZipStream(wire, CompressionMode.Decompress, leaveOpen: true)
        : new ZLibStream(wire, CompressionMode.Decompress, leaveOpen: true);
}
