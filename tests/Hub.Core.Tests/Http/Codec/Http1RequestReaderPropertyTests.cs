using System.Text;
using CsCheck;
using Hub.Core.Tests.TestKit;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>
/// Properties over generated valid requests (random methods, targets, headers, bodies; Content-Length and chunked
/// with extensions and trailers; CRLF or a bare LF in the head; pipelined): the parse matches the model, and
/// parse(any chunking) == parse(whole).
/// </summary>
public sealed class Http1RequestReaderPropertyTests
{
    [Fact]
    public void Parses_generated_requests_into_their_model() =>
        RequestGen.Pipeline.Sample(requests =>
        {
            var bytes = requests.SelectMany(r => r.Render()).ToArray();
            using var d = DecoderDriver.Run(TestSettings.Default, [bytes]);
            Assert.Null(d.Rejection);
            Assert.Equal(requests.Length, d.Requests.Count);
            for (var i = 0; i < requests.Length; i++) AssertMatches(requests[i], d.Requests[i]);
            Assert.Equal(0, d.Buffered);
        }, iter: 500);

    [Fact]
    public void Parses_any_chunking_the_same_as_the_whole_input() =>
        RequestGen.Pipeline
            .SelectMany(requests =>
            {
                var bytes = requests.SelectMany(r => r.Render()).ToArray();
                return RequestGen.Cuts(bytes.Length).Select(cuts => (bytes, cuts));
            })
            .Sample(t =>
            {
                var settings = TestSettings.Default with { BodyChunkSize = 7 };
                using var whole = DecoderDriver.Run(settings, [t.bytes]);
                using var split = DecoderDriver.Run(settings, Requests.SplitAt(t.bytes, t.cuts));
                Assert.Null(whole.Rejection);
                Assert.Null(split.Rejection);
                Assert.Equal(whole.Requests.Count, split.Requests.Count);
                for (var i = 0; i < whole.Requests.Count; i++)
                {
                    Assert.Equal(HeadText.Of(whole.Requests[i].Head), HeadText.Of(split.Requests[i].Head));
                    Assert.Equal(whole.Requests[i].Body, split.Requests[i].Body);
                    Assert.True(split.Requests[i].Complete);
                    Assert.All(split.Requests[i].Slices, s => Assert.InRange(s.Length, 1, 7));
                }
            }, iter: 500);

    [Fact]
    public void Parses_one_byte_at_a_time_the_same_as_the_whole_input() =>
        RequestGen.Request.Sample(request =>
        {
            var bytes = request.Render();
            using var whole = DecoderDriver.Run(TestSettings.Default, [bytes]);
            using var bytewise = DecoderDriver.Run(TestSettings.Default, bytes.Select(b => new[] { b }));
            Assert.Equal(HeadText.Of(whole.Requests.Single().Head), HeadText.Of(bytewise.Requests.Single().Head));
            Assert.Equal(whole.Requests[0].Body, bytewise.Requests[0].Body);
        }, iter: 100);

    [Fact]
    public void Never_throws_and_accepts_or_refuses_mutated_requests_the_same_way_however_they_are_split()
    {
        // Bytes that matter to the grammar, and a few that must never appear.
        var interesting = Gen.OneOfConst("\r\n \t:;,=\"0aZ/?%#@[]"u8.ToArray().Concat(new byte[] { 0, 1, 0x7F, 0x80, 0xFF }).ToArray());
        var mutation = Gen.Select(Gen.Int[0, 2], Gen.Double[0, 1], interesting, (kind, at, b) => (kind, at, b));
        var settings = Gen.OneOfConst(TestSettings.Default, TestSettings.Small with { MaxRequestLineSize = 128 });

        Gen.Select(RequestGen.Pipeline, mutation.Array[1, 6], settings)
            .Select((requests, mutations, s) => (Bytes: ByteMutations.Mutate(requests.SelectMany(r => r.Render()).ToArray(), mutations), Settings: s))
            .SelectMany(t => RequestGen.Cuts(t.Bytes.Length).Select(cuts => (t.Bytes, t.Settings, cuts)))
            .Sample(t =>
            {
                using var whole = DecoderDriver.Run(t.Settings, [t.Bytes]);
                using var split = DecoderDriver.Run(t.Settings, Requests.SplitAt(t.Bytes, t.cuts));
                using var bytewise = DecoderDriver.Run(t.Settings, t.Bytes.Select(b => new[] { b }));
                foreach (var other in new[] { split, bytewise })
                {
                    var what = $"input \"{ByteMutations.Escape(t.Bytes)}\" cut at [{string.Join(",", t.cuts)}]: whole {whole.Rejection}, " +
                               $"{(other == split ? "split" : "bytewise")} {other.Rejection}";
                    Assert.True(whole.Rejection is null == other.Rejection is null, what);
                    Assert.True(whole.Requests.Count == other.Requests.Count, what);
                    for (var i = 0; i < whole.Requests.Count; i++)
                    {
                        Assert.Equal(HeadText.Of(whole.Requests[i].Head), HeadText.Of(other.Requests[i].Head));
                        Assert.Equal(whole.Requests[i].Body, other.Requests[i].Body);
                    }
                }
            }, iter: 1000);
    }

    private static void AssertMatches(GeneratedRequest expected, DecodedRequest actual)
    {
        var head = actual.Head;
        Assert.Equal(expected.Method, head.Method);
        Assert.Equal(expected.Target, head.Target);
        Assert.Equal(expected.Path, head.RawPath);
        Assert.Equal(expected.Query, head.RawQuery);
        Assert.Equal(expected.Http10 ? HttpVersion.Http10 : HttpVersion.Http11, head.Version);
        Assert.Equal(expected.Http10 ? "" : expected.Host, head.Host);
        Assert.Equal(!expected.Http10, head.KeepAlive);
        Assert.False(head.ExpectContinue);

        // Values are read as UTF-8, so obs-text bytes come back as that decoding of them.
        var own = head.Headers.Where(h => !ReferenceEquals(h.Key, KnownHeaders.Host)
                                          && !ReferenceEquals(h.Key, KnownHeaders.ContentLength)
                                          && !ReferenceEquals(h.Key, KnownHeaders.TransferEncoding));
        Assert.Equal(expected.Headers.Select(h => (h.Key.ToLowerInvariant(), Utf8(h.Value))),
            own.Select(h => (h.Key.ToLowerInvariant(), h.Value)));

        var framing = expected.Framing switch
        {
            GeneratedFraming.ContentLength => BodyFraming.ContentLength,
            GeneratedFraming.Chunked => BodyFraming.Chunked,
            _ => BodyFraming.None,
        };
        Assert.Equal(framing, head.Framing);
        Assert.Equal(expected.Framing == GeneratedFraming.ContentLength ? expected.Body.Length : 0, head.ContentLength);
        Assert.Equal(expected.Body, actual.Body);
        Assert.True(actual.Complete);
    }

    private static string Utf8(string latin1) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));
}
