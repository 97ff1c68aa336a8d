using Hub.Http;

namespace Hub.Handlers.StaticFiles;

/// <summary>The answer the conditional request headers call for.</summary>
internal enum PreconditionResult
{
    /// <summary>Serve the representation (200, or 206 for a Range).</summary>
    Proceed,

    /// <summary>304: the client's copy is current.</summary>
    NotModified,

    /// <summary>412: If-Match or If-Unmodified-Since failed.</summary>
    Failed,
}

/// <summary>
/// Evaluates conditional requests against a file's validators in the order of RFC 9110 §13.2.2: If-Match, else
/// If-Unmodified-Since; then If-None-Match, else If-Modified-Since (GET and HEAD only). Also If-Range (§13.1.5),
/// which decides whether a Range is honoured or the whole file sent.
/// </summary>
internal static class Preconditions
{
    /// <summary>What the conditional headers in <paramref name="headers"/> ask for, given the file's ETag and its
    /// Last-Modified value as sent (whole seconds).</summary>
    public static PreconditionResult Evaluate(HttpHeaders headers, bool getOrHead, string etag, DateTimeOffset lastModified)
    {
        if (headers.GetCombined("If-Match") is { } ifMatch)
        {
            if (!EntityTags.Matches(ifMatch, etag, weakComparison: false)) return PreconditionResult.Failed;
        }
        else if (SingleDate(headers, "If-Unmodified-Since") is { } unmodifiedSince && lastModified > unmodifiedSince)
        {
            return PreconditionResult.Failed;
        }

        if (headers.GetCombined("If-None-Match") is { } ifNoneMatch)
        {
            // For other methods a match would be 412; a file handler only serves GET and HEAD.
            if (EntityTags.Matches(ifNoneMatch, etag, weakComparison: true))
                return getOrHead ? PreconditionResult.NotModified : PreconditionResult.Failed;
        }
        else if (getOrHead && SingleDate(headers, "If-Modified-Since") is { } modifiedSince && lastModified <= modifiedSince)
        {
            return PreconditionResult.NotModified;
        }
        return PreconditionResult.Proceed;
    }

    /// <summary>
    /// True when a Range may be honoured: no If-Range, or one that still describes the file — a strong ETag equal to
    /// ours, or exactly our Last-Modified date (a date is a weak validator unless it matches exactly).
    /// </summary>
    public static bool RangeAllowed(HttpHeaders headers, string etag, DateTimeOffset lastModified)
    {
        var ifRange = headers.Get("If-Range");
        if (ifRange is null) return true;
        ifRange = ifRange.Trim();
        if (ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal))
            return EntityTags.Matches(ifRange, etag, weakComparison: false);
        return HttpDate.TryParse(ifRange, out var date) && date == lastModified;
    }

    // A date field with several values, or one that does not parse, is ignored (§13.1.3, §13.1.4).
    private static DateTimeOffset? SingleDate(HttpHeaders headers, string name)
    {
        var values = headers.GetAll(name);
        if (values.Count != 1) return null;
        return HttpDate.TryParse(values[0], out var date) ? date : null;
    }
}
