using CsCheck;

namespace Hub.Core.Tests.TestKit;

/// <summary>CsCheck generators of valid HTTP/1.x requests (RFC 9112 grammar, within the default limits).</summary>
public static class RequestGen
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string PathChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%";

    // Names the reader acts on are written by the renderer from the model, never generated at random.
    private static readonly HashSet<string> FramingNames = new(StringComparer.OrdinalIgnoreCase)
        { "Host", "Content-Length", "Transfer-Encoding", "Connection", "Expect", "Upgrade" };

    public static readonly Gen<string> Token = Gen.String[Gen.Char[TokenChars], 1, 12];

    public static readonly Gen<string> Method =
        Gen.Frequency((4, Gen.OneOfConst("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")), (1, Token));

    private static readonly Gen<string> Segment = Gen.String[Gen.Char[PathChars], 0, 12];

    public static readonly Gen<string> Path = Segment.Array[1, 5].Select(s => "/" + string.Join('/', s));

    public static readonly Gen<string> Query = Gen.Frequency(
        (1, Gen.Const("")),
        (2, Gen.String[Gen.Char[PathChars + "/?="], 1, 30]));

    public static readonly Gen<string> Host = Gen.OneOf(
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-."], 1, 20],
        Gen.Int[0, 65535].Select(p => $"127.0.0.1:{p}"),
        Gen.Const("[::1]:8080"));

    // field-value: no leading/trailing whitespace (it is trimmed), visible ASCII, obs-text and inner SP/HTAB.
    private static readonly Gen<string> FieldValue = Gen.Frequency(
        (6, Gen.String[Gen.Char['!', '~'], 0, 40]),
        (2, Gen.Select(Gen.String[Gen.Char['!', '~'], 1, 10], Gen.String[Gen.Char[" \t"], 1, 3], Gen.String[Gen.Char['!', '~'], 1, 10],
            (a, ws, b) => a + ws + b)),
        (1, Gen.String[Gen.Char['\u00a0', '\u00ff'], 1, 5]));

    public static readonly Gen<KeyValuePair<string, string>> Field =
        Gen.Select(Token, FieldValue, (n, v) => new KeyValuePair<string, string>(n, v)).Where(f => !FramingNames.Contains(f.Key));

    private static readonly Gen<string> ChunkExtension = Gen.OneOf(
        Gen.Const(""),
        Token.Select(t => ";" + t),
        Gen.Select(Token, Token, (n, v) => $";{n}={v}"),
        Gen.Select(Token, Gen.String[Gen.Char[" !#$%&'()*+,-./:;<=>?@[]^_`{|}~abcXYZ019"], 0, 10], (n, v) => $" ; {n}=\"{v}\""));

    public static readonly Gen<GeneratedRequest> Request =
        from method in Method
        from path in Path
        from query in Query
        from http10 in Gen.Bool
        from host in Host
        from headers in Field.Array[0, 12]
        from body in Gen.Byte.Array[0, 300]
        from framingChoice in Gen.Int[0, 2]
        from cuts in Gen.Int[0, 300].Array[0, 6]
        from extensions in ChunkExtension.Array[1, 3]
        from trailers in Field.Array[0, 3]
        from bareLf in Gen.Frequency((4, Gen.Const(false)), (1, Gen.Const(true)))
        from leading in Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 3]))
        let framing = Framing(framingChoice, body.Length, http10)
        select new GeneratedRequest(method, path, query, http10, host, headers,
            framing == GeneratedFraming.None ? [] : body, framing, ChunkSizes(body.Length, cuts), extensions,
            framing == GeneratedFraming.Chunked ? trailers : [], bareLf, leading);

    /// <summary>One to three requests back to back, as a pipelining client sends them.</summary>
    public static readonly Gen<GeneratedRequest[]> Pipeline = Request.Array[1, 3];

    /// <summary>Ascending cut positions for an input of <paramref name="length"/> bytes.</summary>
    public static Gen<int[]> Cuts(int length) => Gen.Int[1, Math.Max(1, length - 1)].Array[0, 12];

    // Chunked needs HTTP/1.1; Content-Length 0 is the same as no body.
    private static GeneratedFraming Framing(int choice, int bodyLength, bool http10) => choice switch
    {
        1 when bodyLength > 0 => GeneratedFraming.ContentLength,
        2 when !http10 => GeneratedFraming.Chunked,
        _ => GeneratedFraming.None,
    };

    private static int[] ChunkSizes(int length, int[] cuts)
    {
        var points = cuts.Where(c => c > 0 && c < length).Distinct().Order().Append(length).ToArray();
        var sizes = new List<int>();
        var start = 0;
        foreach (var p in points)
        {
            if (p > start) sizes.Add(p - start);
            start = p;
        }
        return sizes.ToArray();
    }
}
