using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Hub.Core.Tests.TestKit;
using Hub.Http.Codec;

namespace Hub.Core.Tests.Http.Codec;

/// <summary>
/// The smuggling rule for chunked bodies: take a valid chunked body followed by a pipelined request, mutate the body
/// bytes, and compare the reader with a strict model of RFC 9112 §7.1 written independently (regular expressions).
/// Where the model says the mutated body is invalid, the reader refuses it or is still waiting: it never serves the
/// bytes after it. Where the model reads a body, the reader reads the same body and ends it at the same byte.
/// </summary>
public sealed class Http1BodyReaderPropertyTests
{
    private const string Head = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    private const string After = "GET /after HTTP/1.1\r\nHost: a\r\n\r\n";

    private static readonly Gen<string> Extension = Gen.OneOfConst("", ";a", ";n=v", " ; q=\"x;y\"", ";e=\"a\\\"b\"");
    private static readonly Gen<string> Trailer = Gen.OneOfConst("X-T: 1", "Checksum:abc", "Empty:");

    private static readonly Gen<byte[]> ValidBody =
        Gen.Select(Gen.String[Gen.Char["abc\r\n0;"], 0, 12].Array[0, 4], Extension.Array[1, 3], Trailer.Array[0, 2], Gen.Bool)
            .Select((chunks, exts, trailers, upper) =>
            {
                var sb = new StringBuilder();
                for (var i = 0; i < chunks.Length; i++)
                {
                    if (chunks[i].Length == 0) continue;
                    sb.Append(upper ? $"{chunks[i].Length:X}" : $"{chunks[i].Length:x}").Append(exts[i % exts.Length]).Append("\r\n");
                    sb.Append(chunks[i]).Append("\r\n");
                }
                sb.Append('0').Append(exts[^1]).Append("\r\n");
                foreach (var t in trailers) sb.Append(t).Append("\r\n");
                sb.Append("\r\n");
                return Encoding.Latin1.GetBytes(sb.ToString());
            });

    [Fact]
    public void Generated_bodies_are_read_as_the_model_reads_them() =>
        ValidBody.Sample(body =>
        {
            var model = StrictChunkedModel.Read(body);
            Assert.Equal(StrictChunkedModel.Verdict.Valid, model.Result);
            using var d = DecoderDriver.Run(TestSettings.Default, [Bytes(Head), body, Bytes(After)]);
            Assert.Null(d.Rejection);
            Assert.Equal(2, d.Requests.Count);
            Assert.Equal(model.Body, d.Requests[0].Body);
        }, iter: 300);

    [Fact]
    public void A_mutated_body_is_refused_or_read_exactly_as_the_strict_model_reads_it()
    {
        var interesting = Gen.OneOfConst("\r\n \t;=\"\\0aF:X\x00\x7F\x80"u8.ToArray());
        var mutation = Gen.Select(Gen.Int[0, 2], Gen.Double[0, 1], interesting, (kind, at, b) => (kind, at, b));
        Gen.Select(ValidBody, mutation.Array[1, 3], Gen.Int[1, 9])
            .Sample((body, mutations, cut) =>
            {
                var mutated = ByteMutations.Mutate(body, mutations);
                // The model reads everything after the head, the pipelined request included: bytes that the reader
                // takes as the rest of the body (trailers, say) are not "served", so only the whole stream decides.
                var afterHead = mutated.Concat(Bytes(After)).ToArray();
                var model = StrictChunkedModel.Read(afterHead);
                var input = Bytes(Head).Concat(afterHead).ToArray();
                foreach (var chunks in new[] { Chunks.Single(input), Requests.SplitAt(input, Enumerable.Range(1, input.Length / cut).Select(i => i * cut)) })
                {
                    using var d = DecoderDriver.Run(TestSettings.Default, chunks);
                    var what = $"body \"{ByteMutations.Escape(mutated)}\" ({chunks}): model {model.Result}, reader {d.Rejection?.ToString() ?? "accepted"}, {d.Requests.Count} request(s)";
                    if (model.Result != StrictChunkedModel.Verdict.Valid)
                    {
                        // Invalid, or never complete, for the model: the reader refuses it or is still waiting, and
                        // nothing after it is served.
                        Assert.True(d.Requests.Count == 1, what);
                        Assert.True(d.Rejection is not null || !d.Requests[0].Complete, what);
                        continue;
                    }
                    // Valid for the model: the same body, ended at the same byte.
                    Assert.True(d.Requests[0].Complete, what);
                    Assert.Equal(model.Body, d.Requests[0].Body);
                    var rest = afterHead.Length - model.Consumed;
                    if (rest == 0) Assert.True(d.Requests.Count == 1 && d.Rejection is null, what);
                    if (rest == After.Length && afterHead.AsSpan(model.Consumed).SequenceEqual(Bytes(After)))
                    {
                        Assert.True(d.Requests.Count == 2 && d.Rejection is null, what);
                        Assert.Equal("/after", d.Requests[1].Head.Target);
                    }
                }
            }, iter: 3000);
    }

    private static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>RFC 9112 §7.1 chunked-body as regular expressions over Latin-1 text: the test's own reading.</summary>
    private static class StrictChunkedModel
    {
        public enum Verdict { Valid, Invalid, Incomplete }

        private const string Token = @"[!#$%&'*+\-.^_`|~0-9A-Za-z]+";
        private const string QuotedString = "\"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*\"";
        private static readonly string Ext = $"(?:[ \\t]*;[ \\t]*{Token}(?:[ \\t]*=[ \\t]*(?:{Token}|{QuotedString}))?)*";
        private static readonly Regex ChunkLine = new($"\\G([0-9A-Fa-f]+){Ext}\\r\\n", RegexOptions.CultureInvariant);
        private static readonly Regex TrailerLine = new($"\\G{Token}:[\\t \\x21-\\x7E\\x80-\\xFF]*\\r\\n", RegexOptions.CultureInvariant);

        public static (Verdict Result, byte[] Body, int Consumed) Read(byte[] bytes)
        {
            var text = Encoding.Latin1.GetString(bytes);
            var body = new List<byte>();
            var pos = 0;
            while (true)
            {
                var line = ChunkLine.Match(text, pos);
                if (!line.Success) return (IsPrefixOfLine(text, pos) ? Verdict.Incomplete : Verdict.Invalid, [], 0);
                var size = Convert.ToInt64(line.Groups[1].Value, 16);
                pos += line.Length;
                if (size == 0) break;
                if (pos + size + 2 > text.Length)
                {
                    // Not all there: invalid already if the CRLF after the data is present and wrong.
                    return (pos + size <= text.Length && !"\r\n".StartsWith(text[(int)(pos + size)..]) ? Verdict.Invalid : Verdict.Incomplete, [], 0);
                }
                body.AddRange(bytes.AsSpan(pos, (int)size).ToArray());
                pos += (int)size;
                if (text.Substring(pos, 2) != "\r\n") return (Verdict.Invalid, [], 0);
                pos += 2;
            }
            while (true)
            {
                if (pos + 2 <= text.Length && text.Substring(pos, 2) == "\r\n") return (Verdict.Valid, body.ToArray(), pos + 2);
                var trailer = TrailerLine.Match(text, pos);
                if (!trailer.Success) return (IsPrefixOfLine(text, pos) ? Verdict.Incomplete : Verdict.Invalid, [], 0);
                pos += trailer.Length;
            }
        }

        // Bytes that end before a line's LF could still become a valid line, or not; either way nothing after them
        // may be served, so the distinction only labels the failure message.
        private static bool IsPrefixOfLine(string text, int pos) => text.IndexOf('\n', pos) < 0;
    }
}
