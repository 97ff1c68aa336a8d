using System.Text;
using CsCheck;
using Hub.Buffers;
using Hub.Core.Tests.TestKit;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>Render → parse round trip: whatever the writer produces, a strict client parser reads back the same response.</summary>
public sealed class Http1ResponseWriterPropertyTests
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly HashSet<string> WriterOwned = new(StringComparer.OrdinalIgnoreCase)
        { "Date", "Server", "Content-Length", "Transfer-Encoding", "Connection" };

    private sealed record Response(
        int Status, string? Reason, KeyValuePair<string, string>[] Headers, int FramingChoice, int Connection,
        byte[][] Pieces, bool WithServer)
    {
        public ResponseFraming Framing => Status is < 200 or 204 or 304
            ? ResponseFraming.NoBody
            : FramingChoice switch { 0 => ResponseFraming.ContentLength, 1 => ResponseFraming.Chunked, _ => ResponseFraming.CloseDelimited };

        public byte[] Body => Framing == ResponseFraming.NoBody ? [] : Pieces.SelectMany(p => p).ToArray();
    }

    private static readonly Gen<KeyValuePair<string, string>> Field =
        Gen.Select(Gen.String[Gen.Char[TokenChars], 1, 16],
                Gen.OneOf(Gen.String[Gen.Char['!', '~'], 0, 40], Gen.String[Gen.Char["aé☕ b"], 1, 10].Select(s => "x" + s + "y")),
                (n, v) => new KeyValuePair<string, string>(n, v))
            .Where(f => !WriterOwned.Contains(f.Key));

    private static readonly Gen<Response> Responses =
        from status in Gen.OneOf(Gen.Int[100, 599], Gen.OneOfConst(200, 204, 304, 101))
        from reason in Gen.Frequency((3, Gen.Const((string?)null)), (1, Gen.String[Gen.Char['!', '~'], 1, 20].Select(s => (string?)("My " + s))))
        from headers in Field.Array[0, 10]
        from framing in Gen.Int[0, 2]
        from connection in Gen.Int[0, 3]
        from pieces in Gen.Byte.Array[0, 200].Array[0, 5]
        from server in Gen.Bool
        select new Response(status, reason, headers, framing, connection, pieces, server);

    [Fact]
    public void Round_trips_status_headers_and_body_through_a_strict_parser() =>
        Responses.Sample(r =>
        {
            using var w = new PooledBufferWriter(32);
            Render(w, r);
            var parsed = ResponseParser.ParseSingle(w.WrittenSpan.ToArray());

            Assert.Equal(r.Status, parsed.Status);
            Assert.Equal(r.Reason ?? ReasonPhrases.For(r.Status), parsed.Reason);
            Assert.Equal(r.Headers, parsed.OwnHeaders);
            Assert.Equal(r.Body, parsed.Body);
            Assert.Equal(r.WithServer ? "Hub" : null, parsed.Header("Server"));
            Assert.NotNull(parsed.Header("Date"));
            if (r.Framing == ResponseFraming.Chunked)
            {
                Assert.True(parsed.Chunked);
                Assert.Equal(r.Pieces.Where(p => p.Length > 0).Select(p => p.Length), parsed.ChunkSizes);
            }
            Assert.Equal(((ConnectionMode)r.Connection) switch
            {
                ConnectionMode.Close => "close",
                ConnectionMode.KeepAlive10 => "keep-alive",
                ConnectionMode.Upgrade => "Upgrade",
                _ => null,
            }, parsed.Header("Connection"));
        }, iter: 500);

    [Fact]
    public void Renders_back_to_back_responses_that_parse_one_after_another() =>
        Responses.Where(r => r.Framing != ResponseFraming.CloseDelimited).Array[1, 4].Sample(rs =>
        {
            using var w = new PooledBufferWriter(32);
            foreach (var r in rs) Render(w, r);
            var parsed = ResponseParser.ParseAll(w.WrittenSpan.ToArray());
            Assert.Equal(rs.Select(r => r.Status), parsed.Select(p => p.Status));
            Assert.Equal(rs.Select(r => Encoding.Latin1.GetString(r.Body)), parsed.Select(p => Encoding.Latin1.GetString(p.Body)));
        }, iter: 200);

    private static void Render(PooledBufferWriter w, Response r)
    {
        var headers = new HttpHeaders();
        foreach (var (n, v) in r.Headers) headers.Add(n, v);
        var body = r.Body;
        Http1ResponseWriter.WriteHead(w, r.Status, r.Reason, headers, r.Framing, body.Length, (ConnectionMode)r.Connection,
            r.WithServer ? "Server: Hub\r\n"u8 : []);
        switch (r.Framing)
        {
            case ResponseFraming.Chunked:
                foreach (var piece in r.Pieces) Http1ResponseWriter.WriteChunk(w, piece);
                Http1ResponseWriter.WriteLastChunk(w);
                break;
            case ResponseFraming.ContentLength or ResponseFraming.CloseDelimited:
                Http1ResponseWriter.Write(w, body);
                break;
        }
    }
}
