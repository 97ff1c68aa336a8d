using System.Text;

namespace Hub.Core.Tests.TestKit;

/// <summary>How a generated request delimits its body.</summary>
public enum GeneratedFraming { None, ContentLength, Chunked }

/// <summary>
/// A valid request as a model (what the parser must find) plus the choices that only change its bytes (line
/// endings, leading empty lines, chunk boundaries, extensions, trailers). <see cref="Render"/> makes the bytes.
/// </summary>
public sealed record GeneratedRequest(
    string Method,
    string Path,
    string Query,
    bool Http10,
    string Host,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    GeneratedFraming Framing,
    IReadOnlyList<int> ChunkSizes,
    IReadOnlyList<string> ChunkExtensions,
    IReadOnlyList<KeyValuePair<string, string>> Trailers,
    bool BareLf,
    int LeadingEmptyLines)
{
    public string Target => Query.Length == 0 ? Path : Path + "?" + Query;

    public byte[] Render()
    {
        var eol = BareLf ? "\n" : "\r\n";
        var sb = new StringBuilder();
        for (var i = 0; i < LeadingEmptyLines; i++) sb.Append(eol);
        sb.Append($"{Method} {Target} HTTP/1.{(Http10 ? 0 : 1)}{eol}");
        if (!Http10) sb.Append($"Host: {Host}{eol}");
        foreach (var (name, value) in Headers) sb.Append($"{name}: {value}{eol}");
        if (Framing == GeneratedFraming.ContentLength) sb.Append($"Content-Length: {Body.Length}{eol}");
        if (Framing == GeneratedFraming.Chunked) sb.Append($"Transfer-Encoding: chunked{eol}");
        sb.Append(eol);

        var bytes = new List<byte>(Encoding.Latin1.GetBytes(sb.ToString()));
        if (Framing == GeneratedFraming.ContentLength) bytes.AddRange(Body);
        if (Framing == GeneratedFraming.Chunked)
        {
            // A bare LF is tolerated in the head only: chunked framing is CRLF throughout (RFC 9112 §7.1).
            eol = "\r\n";
            var offset = 0;
            for (var i = 0; i < ChunkSizes.Count; i++)
            {
                bytes.AddRange(Encoding.ASCII.GetBytes($"{ChunkSizes[i]:x}{ChunkExtensions[i % ChunkExtensions.Count]}{eol}"));
                bytes.AddRange(Body.AsSpan(offset, ChunkSizes[i]).ToArray());
                bytes.AddRange(Encoding.ASCII.GetBytes(eol));
                offset += ChunkSizes[i];
            }
            bytes.AddRange(Encoding.ASCII.GetBytes($"0{eol}"));
            foreach (var (name, value) in Trailers) bytes.AddRange(Encoding.Latin1.GetBytes($"{name}: {value}{eol}"));
            bytes.AddRange(Encoding.ASCII.GetBytes(eol));
        }
        return bytes.ToArray();
    }

    public override string ToString() => Encoding.Latin1.GetString(Render()).Replace("\r", "\\r").Replace("\n", "\\n");
}
