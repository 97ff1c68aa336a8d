using System.Globalization;
using System.Text;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// A deliberately strict HTTP/1.1 response parser (RFC 9112 §4, §6.3, §7.1) for checking what the writer and the
/// encoder stage put on the wire: CRLF only, "HTTP/1.1", three-digit status, token names, and the body delimited
/// exactly as a client would delimit it. Any deviation throws <see cref="FormatException"/>.
/// </summary>
internal static class ResponseParser
{
    /// <summary>Parses responses back to back until the input ends; the last may be close-delimited.</summary>
    public static List<ParsedResponse> ParseAll(byte[] bytes, bool toHeadRequest = false)
    {
        var all = new List<ParsedResponse>();
        var pos = 0;
        while (pos < bytes.Length) all.Add(ParseOne(bytes, ref pos, toHeadRequest));
        return all;
    }

    /// <summary>Exactly one response that uses every byte.</summary>
    public static ParsedResponse ParseSingle(byte[] bytes, bool toHeadRequest = false)
    {
        var pos = 0;
        var r = ParseOne(bytes, ref pos, toHeadRequest);
        if (pos != bytes.Length) throw new FormatException($"{bytes.Length - pos} bytes after the response");
        return r;
    }

    public static ParsedResponse ParseOne(byte[] bytes, ref int pos, bool toHeadRequest)
    {
        var statusLine = ReadLine(bytes, ref pos);
        if (!statusLine.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || statusLine.Length < 13 || statusLine[12] != ' ')
            throw new FormatException($"bad status line '{statusLine}'");
        var code = statusLine.Substring(9, 3);
        if (!code.All(char.IsAsciiDigit)) throw new FormatException($"bad status '{code}'");
        var status = int.Parse(code, CultureInfo.InvariantCulture);
        var reason = statusLine[13..];

        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var line = ReadLine(bytes, ref pos);
            if (line.Length == 0) break;
            var colon = line.IndexOf(':');
            if (colon <= 0 || !line[..colon].All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
                throw new FormatException($"bad field line '{line}'");
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }

        string? Get(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        var te = Get("Transfer-Encoding");
        var cl = Get("Content-Length");
        if (te is not null && cl is not null) throw new FormatException("both Content-Length and Transfer-Encoding");
        if (headers.Count(h => string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)) > 1)
            throw new FormatException("Content-Length twice");

        // RFC 9112 §6.3: the order a client applies.
        if (toHeadRequest || status is < 200 or 204 or 304)
            return new ParsedResponse(status, reason, headers, [], false, []);
        if (te is not null)
        {
            if (te != "chunked") throw new FormatException($"Transfer-Encoding '{te}'");
            var (body, sizes) = ReadChunked(bytes, ref pos);
            return new ParsedResponse(status, reason, headers, body, true, sizes);
        }
        if (cl is not null)
        {
            var length = int.Parse(cl, NumberStyles.None, CultureInfo.InvariantCulture);
            if (pos + length > bytes.Length) throw new FormatException($"body shorter than Content-Length {length}");
            var body = bytes[pos..(pos + length)];
            pos += length;
            return new ParsedResponse(status, reason, headers, body, false, []);
        }
        var rest = bytes[pos..];
        pos = bytes.Length;
        return new ParsedResponse(status, reason, headers, rest, false, []);
    }

    private static (byte[] Body, List<int> Sizes) ReadChunked(byte[] bytes, ref int pos)
    {
        var body = new List<byte>();
        var sizes = new List<int>();
        while (true)
        {
            var sizeLine = ReadLine(bytes, ref pos);
            if (sizeLine.Length == 0 || !sizeLine.All(char.IsAsciiHexDigit)) throw new FormatException($"bad chunk size '{sizeLine}'");
            var size = int.Parse(sizeLine, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                if (ReadLine(bytes, ref pos).Length != 0) throw new FormatException("trailers after the last chunk");
                return (body.ToArray(), sizes);
            }
            if (pos + size + 2 > bytes.Length) throw new FormatException("chunk cut short");
            body.AddRange(bytes[pos..(pos + size)]);
            sizes.Add(size);
            pos += size;
            if (bytes[pos] != '\r' || bytes[pos + 1] != '\n') throw new FormatException("no CRLF after chunk data");
            pos += 2;
        }
    }

    private static string ReadLine(byte[] bytes, ref int pos)
    {
        var lf = Array.IndexOf(bytes, (byte)'\n', pos);
        if (lf < 0) throw new FormatException("line without LF");
        if (lf == pos || bytes[lf - 1] != '\r') throw new FormatException("bare LF");
        var line = Encoding.UTF8.GetString(bytes, pos, lf - 1 - pos);
        if (line.Contains('\r')) throw new FormatException("bare CR");
        pos = lf + 1;
        return line;
    }
}
