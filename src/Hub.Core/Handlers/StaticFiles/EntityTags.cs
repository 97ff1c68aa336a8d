namespace Hub.Handlers.StaticFiles;

/// <summary>
/// Entity-tag lists as sent in If-Match / If-None-Match (RFC 9110 §8.8.3): <c>*</c> or comma-separated
/// <c>"opaque"</c> / <c>W/"opaque"</c>. The opaque part may itself contain commas, so the list is scanned, not split.
/// </summary>
internal static class EntityTags
{
    /// <summary>A strong tag for a file: its length and modification time, as nginx does, so it costs no read.</summary>
    public static string ForFile(long length, DateTime lastWriteUtc) => $"\"{length:x}-{lastWriteUtc.Ticks:x}\"";

    /// <summary>
    /// True when <paramref name="field"/> lists <paramref name="etag"/> (or is <c>*</c>). Weak comparison ignores the
    /// W/ prefix (If-None-Match, §13.1.2); strong comparison needs both tags strong (If-Match, If-Range).
    /// </summary>
    public static bool Matches(string field, string etag, bool weakComparison)
    {
        var span = field.AsSpan().Trim();
        if (span is "*") return true;
        var (ourOpaque, ourWeak) = Split(etag);
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && (span[i] is ',' or ' ' or '\t')) i++;
            if (i >= span.Length) break;
            var weak = false;
            if (span[i..].StartsWith("W/", StringComparison.Ordinal))
            {
                weak = true;
                i += 2;
            }
            if (i >= span.Length || span[i] != '"') return false; // malformed: matches nothing
            var close = span[(i + 1)..].IndexOf('"');
            if (close < 0) return false;
            var opaque = span.Slice(i, close + 2);
            i += close + 2;
            if (!opaque.SequenceEqual(ourOpaque)) continue;
            if (weakComparison || (!weak && !ourWeak)) return true;
        }
        return false;
    }

    private static (string Opaque, bool Weak) Split(string etag) =>
        etag.StartsWith("W/", StringComparison.Ordinal) ? (etag[2..], true) : (etag, false);
}
