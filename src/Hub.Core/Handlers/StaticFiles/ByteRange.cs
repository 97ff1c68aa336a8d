namespace Hub.Handlers.StaticFiles;

/// <summary>What a Range header asks of a representation of a known length.</summary>
internal enum RangeKind
{
    /// <summary>No usable Range (absent, another unit, malformed, several ranges): send the whole file, 200.</summary>
    Whole,

    /// <summary>One satisfiable range: 206 with Content-Range.</summary>
    Partial,

    /// <summary>Byte ranges that all miss the file: 416 with <c>Content-Range: bytes */length</c>.</summary>
    Unsatisfiable,
}

/// <summary>
/// One byte range of a file (RFC 9110 §14.1.2), parsed from a Range header: <c>bytes=0-99</c>, <c>bytes=100-</c> or
/// the suffix form <c>bytes=-50</c>. Several ranges are answered with the whole file, which §14.2 allows ("a server
/// MAY ignore the Range header field") and which spares us multipart/byteranges; so is a header that does not
/// parse, since an invalid ranges-specifier is to be ignored.
/// </summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>The Content-Range value of a 206 (RFC 9110 §14.4).</summary>
    public string ContentRange(long total) => $"bytes {Start}-{End}/{total}";

    /// <summary>The Content-Range value of a 416 (RFC 9110 §15.5.17).</summary>
    public static string Unsatisfied(long total) => $"bytes */{total}";

    public static RangeKind Parse(string? header, long length, out ByteRange range)
    {
        range = default;
        if (header is null) return RangeKind.Whole;
        var spec = header.AsSpan().Trim();
        // The unit is case-insensitive (RFC 9110 §14.1); "bytes" is the only one we know, others are ignored.
        if (!spec.StartsWith("bytes", StringComparison.OrdinalIgnoreCase)) return RangeKind.Whole;
        spec = spec[5..].TrimStart();
        if (spec.IsEmpty || spec[0] != '=') return RangeKind.Whole;
        spec = spec[1..].Trim();
        if (spec.Contains(',')) return RangeKind.Whole;

        var dash = spec.IndexOf('-');
        if (dash < 0) return RangeKind.Whole;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();

        if (first.IsEmpty)
        {
            // suffix-range: the final N bytes.
            if (!TryDigits(last, out var suffix)) return RangeKind.Whole;
            if (suffix == 0) return RangeKind.Unsatisfiable;
            // A suffix of an empty file is "satisfiable" (§14.1.1) but selects nothing: the whole (empty) file it is.
            if (length == 0) return RangeKind.Whole;
            var n = Math.Min(suffix, length);
            range = new ByteRange(length - n, n);
            return RangeKind.Partial;
        }

        if (!TryDigits(first, out var start)) return RangeKind.Whole;
        long end;
        if (last.IsEmpty) end = long.MaxValue;
        else if (!TryDigits(last, out end)) return RangeKind.Whole;
        // last-pos below first-pos makes the whole specifier invalid (§14.1.1), hence ignored.
        if (end < start) return RangeKind.Whole;
        if (start >= length) return RangeKind.Unsatisfiable;
        end = Math.Min(end, length - 1);
        range = new ByteRange(start, end - start + 1);
        return RangeKind.Partial;
    }

    // 1*DIGIT; values too large for a long are clamped, which only ever makes a range reach the end of the file.
    private static bool TryDigits(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = value > (long.MaxValue - 9) / 10 ? long.MaxValue : value * 10 + (c - '0');
        }
        return true;
    }
}
