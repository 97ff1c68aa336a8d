namespace Hub.Http.Codec;

/// <summary>Outcome of one body read.</summary>
internal enum BodyReadStatus : byte
{
    /// <summary>Nothing to hand out until more bytes arrive.</summary>
    NeedMoreData,
    /// <summary>A slice of body data is ready.</summary>
    Data,
    /// <summary>The body (and any trailers) is complete.</summary>
    Done,
    Invalid,
}

/// <summary>
/// Reads a request body delimited by Content-Length or chunked transfer coding (RFC 9112 §6–§7), with chunk
/// extensions and trailer fields accepted and discarded. Yields slices of at most body-chunk-size and enforces
/// max-request-body-size as soon as a chunk header would pass it.
/// </summary>
/// <remarks>
/// Chunked framing takes CRLF and nothing else at every line end: the chunk-size line, the end of chunk-data, the
/// last-chunk line, each trailer line and the empty line that ends the trailers (RFC 9112 §7.1). The request head
/// tolerates a bare LF (§2.2 allows it), but inside a body a bare LF is where a front end and this server could cut
/// the same bytes into different messages (request smuggling), so it is a framing error: 400 and close.
/// </remarks>
internal struct Http1BodyReader
{
    private enum State : byte { Idle, Fixed, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done }

    // A chunk-size line with extensions, or one trailer line, longer than this is refused.
    private const int MaxChunkLine = 4096;

    private readonly long _maxBody;
    private readonly int _sliceSize;
    private readonly int _maxTrailerBytes;
    private State _state;
    private long _remaining;
    private long _total;
    private int _trailerBytes;

    public Http1BodyReader(long maxBody, int sliceSize, int maxTrailerBytes)
    {
        _maxBody = maxBody;
        _sliceSize = sliceSize;
        _maxTrailerBytes = maxTrailerBytes;
        _state = State.Idle;
        _remaining = _total = 0;
        _trailerBytes = 0;
    }

    public readonly bool IsDone => _state == State.Done;

    public void Start(BodyFraming framing, long contentLength)
    {
        _total = 0;
        _trailerBytes = 0;
        switch (framing)
        {
            case BodyFraming.ContentLength:
                _state = contentLength > 0 ? State.Fixed : State.Done;
                _remaining = contentLength;
                break;
            case BodyFraming.Chunked:
                _state = State.ChunkSize;
                _remaining = 0;
                break;
            default:
                _state = State.Done;
                break;
        }
    }

    /// <summary>
    /// Advances over <paramref name="input"/>. On <see cref="BodyReadStatus.Data"/>, <paramref name="data"/> is the
    /// slice of input that is body. <paramref name="consumed"/> bytes of input are used up in every case but Invalid.
    /// </summary>
    public BodyReadStatus Read(ReadOnlySpan<byte> input, out int consumed, out Range data, out RejectionReason reason)
    {
        consumed = 0;
        data = default;
        reason = default;
        while (true)
        {
            var rest = input[consumed..];
            switch (_state)
            {
                case State.Done:
                    return BodyReadStatus.Done;

                case State.Fixed:
                case State.ChunkData:
                {
                    if (rest.IsEmpty) return BodyReadStatus.NeedMoreData;
                    var n = (int)Math.Min(Math.Min(_remaining, rest.Length), _sliceSize);
                    data = new Range(consumed, consumed + n);
                    consumed += n;
                    _remaining -= n;
                    if (_remaining == 0) _state = _state == State.Fixed ? State.Done : State.ChunkDataEnd;
                    return BodyReadStatus.Data;
                }

                case State.ChunkSize:
                {
                    var lf = rest.IndexOf((byte)'\n');
                    if (lf < 0)
                        return rest.Length > MaxChunkLine ? Fail(RejectionReason.InvalidChunk, out reason) : BodyReadStatus.NeedMoreData;
                    if (lf > MaxChunkLine) return Fail(RejectionReason.InvalidChunk, out reason);
                    if (!TryTrimCrlf(rest[..lf], out var line)) return Fail(RejectionReason.InvalidChunk, out reason);
                    if (!TryParseChunkSize(line, out var size)) return Fail(RejectionReason.InvalidChunk, out reason);
                    consumed += lf + 1;
                    if (size == 0)
                    {
                        _state = State.Trailers;
                        continue;
                    }
                    if (size > _maxBody - _total) return Fail(RejectionReason.BodyTooLarge, out reason);
                    _total += size;
                    _remaining = size;
                    _state = State.ChunkData;
                    continue;
                }

                case State.ChunkDataEnd:
                {
                    // chunk-data is followed by exactly CRLF.
                    if (rest.IsEmpty) return BodyReadStatus.NeedMoreData;
                    if (rest[0] != (byte)'\r') return Fail(RejectionReason.InvalidChunk, out reason);
                    if (rest.Length < 2) return BodyReadStatus.NeedMoreData;
                    if (rest[1] != (byte)'\n') return Fail(RejectionReason.InvalidChunk, out reason);
                    consumed += 2;
                    _state = State.ChunkSize;
                    continue;
                }

                case State.Trailers:
                {
                    // trailer-section = *( field-line CRLF ) CRLF; fields are validated and dropped.
                    var lf = rest.IndexOf((byte)'\n');
                    if (lf < 0)
                        return rest.Length > MaxChunkLine ? Fail(RejectionReason.InvalidChunk, out reason) : BodyReadStatus.NeedMoreData;
                    // The same line limit whether the line arrived whole or not, so chunking never changes the outcome.
                    if (lf > MaxChunkLine) return Fail(RejectionReason.InvalidChunk, out reason);
                    if (!TryTrimCrlf(rest[..lf], out var line)) return Fail(RejectionReason.InvalidChunk, out reason);
                    consumed += lf + 1;
                    if (line.IsEmpty)
                    {
                        _state = State.Done;
                        return BodyReadStatus.Done;
                    }
                    _trailerBytes += lf + 1;
                    if (_trailerBytes > _maxTrailerBytes) return Fail(RejectionReason.HeadersTooLarge, out reason);
                    if (!IsValidFieldLine(line)) return Fail(RejectionReason.InvalidChunk, out reason);
                    continue;
                }

                default:
                    return BodyReadStatus.Done;
            }
        }
    }

    /// <summary>
    /// chunk-size = 1*HEXDIG, then chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ) with ext-name a
    /// token and ext-val a token or quoted-string (RFC 9112 §7.1.1). Extensions are checked to the grammar, not just
    /// skipped to the line end: a lenient reader is one more way for two parsers to disagree about a body.
    /// </summary>
    internal static bool TryParseChunkSize(ReadOnlySpan<byte> line, out long size)
    {
        size = 0;
        var i = 0;
        while (i < line.Length && HttpChars.IsHexDigit(line[i]))
        {
            // Refuse a size past 63 bits before it overflows (leading zeros are harmless).
            if (size > long.MaxValue >> 4) return false;
            size = (size << 4) | (uint)HttpChars.HexValue(line[i]);
            i++;
        }
        if (i == 0) return false;
        while (i < line.Length)
        {
            // BWS is allowed only before a ";" or "=" (a trailing "5 " is not a chunk-size line).
            i = SkipWhitespace(line, i);
            if (i == line.Length || line[i] != (byte)';') return false;
            i = SkipWhitespace(line, i + 1);
            var nameStart = i;
            while (i < line.Length && HttpChars.IsToken(line[i])) i++;
            if (i == nameStart) return false;
            var afterName = SkipWhitespace(line, i);
            if (afterName == line.Length || line[afterName] != (byte)'=') continue;
            i = SkipWhitespace(line, afterName + 1);
            if (i == line.Length) return false;
            if (line[i] == (byte)'"')
            {
                if (!TrySkipQuotedString(line, ref i)) return false;
            }
            else
            {
                var valueStart = i;
                while (i < line.Length && HttpChars.IsToken(line[i])) i++;
                if (i == valueStart) return false;
            }
        }
        return true;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t') i++;
        return i;
    }

    /// <summary>quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4), starting at the DQUOTE.</summary>
    private static bool TrySkipQuotedString(ReadOnlySpan<byte> line, ref int i)
    {
        i++;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == (byte)'"')
            {
                i++;
                return true;
            }
            if (c == (byte)'\\')
            {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                if (i + 1 == line.Length || !HttpChars.IsFieldValue(line[i + 1])) return false;
                i += 2;
                continue;
            }
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text: every field-value byte but DQUOTE and "\".
            if (!HttpChars.IsFieldValue(c)) return false;
            i++;
        }
        return false;
    }

    /// <summary>
    /// The line before an LF without its CR; false when there is no CR (a bare LF) or another CR inside the line
    /// (a bare CR, RFC 9112 §2.2).
    /// </summary>
    private static bool TryTrimCrlf(ReadOnlySpan<byte> lineWithCr, out ReadOnlySpan<byte> line)
    {
        line = default;
        if (lineWithCr.IsEmpty || lineWithCr[^1] != (byte)'\r') return false;
        line = lineWithCr[..^1];
        return line.IndexOf((byte)'\r') < 0;
    }

    private static bool IsValidFieldLine(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || !HttpChars.IsToken(line[..colon])) return false;
        foreach (var c in line[(colon + 1)..])
            if (!HttpChars.IsFieldValue(c)) return false;
        return true;
    }

    private static BodyReadStatus Fail(RejectionReason r, out RejectionReason reason)
    {
        reason = r;
        return BodyReadStatus.Invalid;
    }
}
