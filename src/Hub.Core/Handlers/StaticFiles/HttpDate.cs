using System.Globalization;

namespace Hub.Handlers.StaticFiles;

/// <summary>
/// HTTP-date (RFC 9110 §5.6.7): sent as IMF-fixdate; accepted in all three formats a recipient must understand —
/// IMF-fixdate, the obsolete RFC 850 form and asctime.
/// </summary>
internal static class HttpDate
{
    private static readonly string[] Formats =
    [
        "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "dddd, dd-MMM-yy HH':'mm':'ss 'GMT'",   // RFC 850:     Sunday, 06-Nov-94 08:49:37 GMT
        "ddd MMM d HH':'mm':'ss yyyy",          // asctime:     Sun Nov  6 08:49:37 1994
    ];

    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text?.Trim(), Formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>Drops sub-second precision: HTTP dates have whole seconds, so comparisons must too.</summary>
    public static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond, value.Offset);
}
