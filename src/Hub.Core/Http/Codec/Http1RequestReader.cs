using System.Text;
using Hub.Configuration;

namespace Hub.Http.Codec;

/// <summary>Outcome of one read attempt over the bytes buffered so far.</summary>
internal enum ReadStatus : byte
{
    NeedMoreData,
    Done,
    Invalid,
}

/// <summary>
/// Parses an HTTP/1.1 request line and header section (RFC 9112 §2–§5) from a span. Knows nothing of Akka:
/// the decoder stage feeds it whatever is buffered and it either needs more, yields a <see cref="RequestHead"/>,
/// or names a <see cref="RejectionReason"/>. Limits are checked against the bytes seen so far, so an oversized
/// head is refused as soon as it crosses the limit, however much more the client would send.
/// </summary>
internal struct Http1RequestReader
{
    private readonly int _maxLine;
    private readonly int _maxHeaderBytes;
    private readonly int _maxHeaderCount;
    private readonly long _maxBody;

    // Where the next unscanned header line starts and how many lines came before it, so input that arrives a
    // byte at a time is not rescanned from the start on every read.
    private int _scanPos;
    private int _scanFields;

    // The request line of the buffered head passed CheckRequestLine (it is judged once, as soon as it is complete).
    private bool _lineChecked;

    public Http1RequestReader(HttpSettings settings)
    {
        _maxLine = settings.MaxRequestLineSize;
        _maxHeaderBytes = settings.MaxRequestHeadersTotalSize;
        _maxHeaderCount = settings.MaxRequestHeaderCount;
        _maxBody = settings.MaxRequestBodySize;
        _scanPos = 0;
        _scanFields = 0;
        _lineChecked = false;
    }

    /// <summary>Forget scan progress; call after a head was consumed or the buffer was compacted.</summary>
    public void Reset()
    {
        _scanPos = 0;
        _scanFields = 0;
        _lineChecked = false;
    }

    /// <summary>Leading empty lines (RFC 9112 §2.2: a server SHOULD ignore at least one) that can be dropped now.</summary>
    public static int CountLeadingEmptyLines(ReadOnlySpan<byte> input)
    {
        var i = 0;
        while (i < input.Length)
        {
            if (input[i] == (byte)'\n') i++;
            else if (input[i] == (byte)'\r' && i + 1 < input.Length && input[i + 1] == (byte)'\n') i += 2;
            else break;
        }
        return i;
    }

    public ReadStatus TryRead(ReadOnlySpan<byte> input, out int consumed, out RequestHead? head, out RejectionReason reason)
    {
        consumed = 0;
        head = null;
        reason = default;

        // Request line: the bytes before its LF, or all there is so far. The same left-to-right scan judges a partial
        // line and a complete one, so the first bad byte decides the reason however the line was split.
        var lineEnd = input.IndexOf((byte)'\n');
        if (lineEnd < 0) return ScanLine(input, _maxLine, out reason);

        // The request line is judged as soon as it is complete, not when the whole head is: a bad line followed
        // by slowly dribbled headers is refused at once, and the verdict never depends on how the bytes were split.
        var line = input[..lineEnd];
        if (!_lineChecked)
        {
            if (ScanLine(line, _maxLine, out reason) == ReadStatus.Invalid) return ReadStatus.Invalid;
            line = TrimCr(line, out _);
            if (CheckRequestLine(line, out reason) == ReadStatus.Invalid) return ReadStatus.Invalid;
            _lineChecked = true;
        }
        else line = TrimCr(line, out _);

        // Header section: scan for the empty line that ends it, within the byte and field limits.
        var headersStart = lineEnd + 1;
        var end = FindHeadEnd(input, headersStart, out var sectionEnd, out var fieldCount);
        if (end < 0)
        {
            if (input.Length - headersStart > _maxHeaderBytes + 2) return Reject(RejectionReason.HeadersTooLarge, out reason);
            if (fieldCount > _maxHeaderCount) return Reject(RejectionReason.TooManyHeaders, out reason);
            return ReadStatus.NeedMoreData;
        }
        if (sectionEnd - headersStart > _maxHeaderBytes) return Reject(RejectionReason.HeadersTooLarge, out reason);
        if (fieldCount > _maxHeaderCount) return Reject(RejectionReason.TooManyHeaders, out reason);

        var status = ParseHead(line, input[headersStart..sectionEnd], fieldCount, out head, out reason);
        if (status == ReadStatus.Done) consumed = end;
        Reset();
        return status;
    }

    /// <summary>
    /// What can be judged of a request line byte by byte, left to right, so that a partial line is refused for the
    /// same reason as the complete one: a bare CR, a content byte past the line limit, a method byte that is not a
    /// token, a line starting with a space. <paramref name="line"/> is the line without its LF, or all buffered bytes
    /// when no LF has arrived; a CR as its last byte is the CR of a CRLF (or may still become one), so it waits.
    /// NeedMoreData means nothing wrong so far.
    /// </summary>
    private static ReadStatus ScanLine(ReadOnlySpan<byte> line, int maxLine, out RejectionReason reason)
    {
        reason = default;
        var inMethod = true;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == (byte)'\r')
            {
                if (i == line.Length - 1) break;
                return Reject(RejectionReason.MalformedRequestLine, out reason);
            }
            if (i >= maxLine) return Reject(RejectionReason.RequestLineTooLong, out reason);
            if (!inMethod) continue;
            if (c == (byte)' ')
            {
                if (i == 0) return Reject(RejectionReason.MalformedRequestLine, out reason);
                inMethod = false;
            }
            else if (!HttpChars.IsToken(c)) return Reject(RejectionReason.InvalidMethod, out reason);
        }
        return ReadStatus.NeedMoreData;
    }

    /// <summary>
    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3), checked without allocating, for a
    /// complete line that passed <see cref="ScanLine"/> (so its method is a token). The target's form (origin,
    /// absolute, asterisk) is checked when the head is parsed.
    /// </summary>
    private static ReadStatus CheckRequestLine(ReadOnlySpan<byte> line, out RejectionReason reason)
    {
        reason = default;
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 < 0) return Reject(RejectionReason.MalformedRequestLine, out reason);
        var rest = line[(sp1 + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        if (sp2 <= 0) return Reject(RejectionReason.MalformedRequestLine, out reason);
        foreach (var c in rest[..sp2])
            if (!HttpChars.IsTargetChar(c)) return Reject(RejectionReason.MalformedRequestLine, out reason);

        // HTTP-version = "HTTP/" DIGIT "." DIGIT; 1.x (x>1) is served as 1.1, other majors get 505.
        var version = rest[(sp2 + 1)..];
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != (byte)'.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
            return Reject(RejectionReason.MalformedRequestLine, out reason);
        if (version[5] != (byte)'1') return Reject(RejectionReason.UnsupportedVersion, out reason);
        return ReadStatus.Done;
    }

    /// <summary>
    /// Returns the index just past the empty line that ends the head, or -1. <paramref name="sectionEnd"/> is where
    /// the empty line starts; <paramref name="fieldCount"/> counts header lines seen.
    /// </summary>
    private int FindHeadEnd(ReadOnlySpan<byte> input, int headersStart, out int sectionEnd, out int fieldCount)
    {
        sectionEnd = -1;
        var pos = Math.Max(headersStart, _scanPos);
        fieldCount = _scanPos >= headersStart ? _scanFields : 0;
        while (pos < input.Length)
        {
            var rest = input[pos..];
            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0) break;
            var isEmpty = lf == 0 || (lf == 1 && rest[0] == (byte)'\r');
            if (isEmpty)
            {
                sectionEnd = pos;
                return pos + lf + 1;
            }
            fieldCount++;
            pos += lf + 1;
        }
        _scanPos = pos;
        _scanFields = fieldCount;
        return -1;
    }

    private ReadStatus ParseHead(ReadOnlySpan<byte> line, ReadOnlySpan<byte> section, int fieldCount,
        out RequestHead? head, out RejectionReason reason)
    {
        head = null;

        // The line passed CheckRequestLine: method SP request-target SP HTTP/1.x.
        var sp1 = line.IndexOf((byte)' ');
        var methodBytes = line[..sp1];
        var rest = line[(sp1 + 1)..];
        var sp2 = rest.IndexOf((byte)' ');
        var targetBytes = rest[..sp2];
        var version = rest[^1] == (byte)'0' ? HttpVersion.Http10 : HttpVersion.Http11;

        var method = KnownMethods.Intern(methodBytes);
        var target = Encoding.ASCII.GetString(targetBytes);
        if (!SplitTarget(target, method, out var rawPath, out var rawQuery, out var authority))
            return Reject(RejectionReason.MalformedRequestLine, out reason);

        var headers = new HttpHeaders(fieldCount);
        var hostCount = 0;
        string? hostValue = null;
        var hostValid = true;
        var teCount = 0;
        var clCount = 0;
        while (!section.IsEmpty)
        {
            var lf = section.IndexOf((byte)'\n');
            var fieldLine = TrimCr(section[..lf], out var bareCr);
            section = section[(lf + 1)..];
            if (bareCr) return Reject(RejectionReason.MalformedHeader, out reason);
            // obs-fold (RFC 9112 §5.2): a line starting with whitespace is refused with 400.
            if (fieldLine.IsEmpty || fieldLine[0] is (byte)' ' or (byte)'\t') return Reject(RejectionReason.MalformedHeader, out reason);
            var colon = fieldLine.IndexOf((byte)':');
            if (colon <= 0) return Reject(RejectionReason.MalformedHeader, out reason);
            var name = fieldLine[..colon];
            // No whitespace between name and colon (RFC 9112 §5.1): a space is not a token char, so this rejects it.
            if (!HttpChars.IsToken(name)) return Reject(RejectionReason.MalformedHeader, out reason);
            var value = fieldLine[(colon + 1)..].Trim(" \t"u8);
            foreach (var c in value)
                if (!HttpChars.IsFieldValue(c)) return Reject(RejectionReason.MalformedHeader, out reason);
            var nameString = KnownHeaders.Intern(name);
            var valueString = value.IsEmpty ? "" : Encoding.UTF8.GetString(value);
            headers.Add(nameString, valueString);
            if (ReferenceEquals(nameString, KnownHeaders.Host))
            {
                hostCount++;
                hostValue = valueString;
                hostValid &= HttpChars.IsValidHost(value);
            }
            else if (ReferenceEquals(nameString, KnownHeaders.TransferEncoding)) teCount++;
            else if (ReferenceEquals(nameString, KnownHeaders.ContentLength)) clCount++;
        }

        // Host (RFC 9112 §3.2): exactly one on 1.1; never more than one; always well-formed.
        if (hostCount > 1) return Reject(RejectionReason.DuplicateHost, out reason);
        if (!hostValid) return Reject(RejectionReason.InvalidHost, out reason);
        if (hostCount == 0 && version == HttpVersion.Http11) return Reject(RejectionReason.MissingHost, out reason);

        // Framing (RFC 9112 §6.3).
        var framing = BodyFraming.None;
        long contentLength = 0;
        if (teCount > 0)
        {
            // Both present is a request-smuggling vector: refuse rather than pick one.
            if (clCount > 0) return Reject(RejectionReason.ConflictingFraming, out reason);
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means faulty framing.
            if (version == HttpVersion.Http10) return Reject(RejectionReason.InvalidTransferEncoding, out reason);
            var teProblem = ValidateTransferEncoding(headers);
            if (teProblem != null) return Reject(teProblem.Value, out reason);
            framing = BodyFraming.Chunked;
        }
        else if (clCount > 0)
        {
            if (!TryParseContentLength(headers, out contentLength)) return Reject(RejectionReason.InvalidContentLength, out reason);
            if (contentLength > _maxBody) return Reject(RejectionReason.BodyTooLarge, out reason);
            if (contentLength > 0) framing = BodyFraming.ContentLength;
        }

        // Connection is a token list that may repeat; "close" anywhere wins (RFC 9112 §9.3).
        var keepAlive = version == HttpVersion.Http11
            ? !headers.HasToken(KnownHeaders.Connection, "close")
            : headers.HasToken(KnownHeaders.Connection, "keep-alive") && !headers.HasToken(KnownHeaders.Connection, "close");

        // Expect (RFC 9110 §10.1.1): 100-continue is honoured on 1.1, ignored on 1.0; anything else is 417.
        // Every Expect line and list element counts: "100-continue" on one line does not excuse "x" on another.
        var expectContinue = false;
        if (version == HttpVersion.Http11 && headers.Contains(KnownHeaders.Expect))
        {
            if (!OnlyContinueExpected(headers)) return Reject(RejectionReason.UnsupportedExpectation, out reason);
            expectContinue = framing != BodyFraming.None;
        }

        var isUpgrade = headers.HasToken(KnownHeaders.Connection, "upgrade") && headers.Contains(KnownHeaders.Upgrade);

        reason = default;
        head = new RequestHead
        {
            Method = method,
            Target = target,
            RawPath = rawPath,
            RawQuery = rawQuery,
            Version = version,
            Headers = headers,
            Host = authority ?? hostValue ?? "",
            Framing = framing,
            ContentLength = contentLength,
            KeepAlive = keepAlive,
            ExpectContinue = expectContinue,
            IsUpgrade = isUpgrade,
        };
        return ReadStatus.Done;
    }

    /// <summary>
    /// Chunked must be the final coding and appear once; other codings are not implemented (501). Walks the lists
    /// in place: no split arrays or lists for the common single "chunked".
    /// </summary>
    private static RejectionReason? ValidateTransferEncoding(HttpHeaders headers)
    {
        var count = 0;
        var lastIsChunked = false;
        var chunkedNotLast = false;
        foreach (var (name, field) in headers)
        {
            // Names from the reader are interned, so a reference check finds every spelling of the name.
            if (!ReferenceEquals(name, KnownHeaders.TransferEncoding)) continue;
            var list = field.AsSpan();
            foreach (var range in list.Split(','))
            {
                var coding = list[range].Trim(" \t");
                // Parameters (";q=…") are not allowed on transfer codings in requests we accept.
                if (!HttpChars.IsToken(coding)) return RejectionReason.InvalidTransferEncoding;
                // A coding after chunked means chunked was not last; chunked twice is malformed too.
                chunkedNotLast |= lastIsChunked;
                lastIsChunked = coding.Equals("chunked", StringComparison.OrdinalIgnoreCase);
                count++;
            }
        }
        if (count == 0 || !lastIsChunked || chunkedNotLast) return RejectionReason.InvalidTransferEncoding;
        // gzip/deflate/compress before chunked are real codings we do not implement.
        return count == 1 ? null : RejectionReason.UnsupportedTransferCoding;
    }

    /// <summary>
    /// 1*DIGIT only (no sign, hex or spaces inside); repeated or listed values must all agree (RFC 9110 §8.6).
    /// Leading zeros are fine; a value past <see cref="long.MaxValue"/> is not.
    /// </summary>
    internal static bool TryParseContentLength(HttpHeaders headers, out long length)
    {
        length = -1;
        foreach (var (name, field) in headers)
        {
            if (!ReferenceEquals(name, KnownHeaders.ContentLength)) continue;
            var list = field.AsSpan();
            foreach (var range in list.Split(','))
            {
                var s = list[range].Trim(" \t");
                if (s.IsEmpty) return false;
                long v = 0;
                foreach (var c in s)
                {
                    if (c is < '0' or > '9') return false;
                    var digit = c - '0';
                    if (v > (long.MaxValue - digit) / 10) return false;
                    v = v * 10 + digit;
                }
                if (length >= 0 && v != length) return false;
                length = v;
            }
        }
        return length >= 0;
    }

    /// <summary>Expect = #expectation (RFC 9110 §10.1.1); we meet only "100-continue". Empty elements are skipped.</summary>
    private static bool OnlyContinueExpected(HttpHeaders headers)
    {
        foreach (var (name, value) in headers)
        {
            if (!ReferenceEquals(name, KnownHeaders.Expect)) continue;
            var list = value.AsSpan();
            foreach (var range in list.Split(','))
            {
                var e = list[range].Trim(" \t");
                if (!e.IsEmpty && !e.Equals("100-continue", StringComparison.OrdinalIgnoreCase)) return false;
            }
        }
        return true;
    }

    /// <summary>origin-form, absolute-form (http/https) or "*" for OPTIONS (RFC 9112 §3.2).</summary>
    private static bool SplitTarget(string target, string method, out string rawPath, out string rawQuery, out string? authority)
    {
        authority = null;
        rawQuery = "";
        rawPath = target;
        if (target == "*")
            return ReferenceEquals(method, KnownMethods.Options);
        var pathAndQuery = target;
        if (target[0] != '/')
        {
            var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd <= 0) return false;
            var scheme = target.AsSpan(0, schemeEnd);
            if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
                return false;
            var afterScheme = schemeEnd + 3;
            var pathStart = target.IndexOfAny(['/', '?'], afterScheme);
            var auth = pathStart < 0 ? target[afterScheme..] : target[afterScheme..pathStart];
            if (auth.Length == 0 || auth.Contains('@') || !HttpChars.IsValidHost(Encoding.ASCII.GetBytes(auth))) return false;
            authority = auth;
            pathAndQuery = pathStart < 0 ? "/" : target[pathStart..];
            if (pathAndQuery[0] == '?') pathAndQuery = "/" + pathAndQuery;
        }
        var q = pathAndQuery.IndexOf('?');
        rawPath = q < 0 ? pathAndQuery : pathAndQuery[..q];
        rawQuery = q < 0 ? "" : pathAndQuery[(q + 1)..];
        return true;
    }

    /// <summary>Drops the CR of a CRLF; a CR anywhere else in the line is a bare CR (RFC 9112 §2.2 → 400).</summary>
    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line, out bool bareCr)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        bareCr = line.Contains((byte)'\r');
        return line;
    }

    private static ReadStatus Reject(RejectionReason r, out RejectionReason reason)
    {
        reason = r;
        return ReadStatus.Invalid;
    }
}
