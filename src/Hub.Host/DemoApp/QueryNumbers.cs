using System.Globalization;

namespace Hub.Host.DemoApp;

/// <summary>
/// Numeric query arguments of the demo routes, read strictly: a value that is not a plain number in the allowed
/// range is the client's mistake (400), never a reason to wait for an hour or loop forever.
/// </summary>
internal static class QueryNumbers
{
    /// <summary>Longest wait /async, /api and /stream accept, in seconds.</summary>
    public const double MaxDelaySeconds = 300;

    /// <summary>Most lines /stream produces.</summary>
    public const int MaxStreamCount = 10_000;

    /// <summary>Seconds to wait: a finite number in [0, <see cref="MaxDelaySeconds"/>].</summary>
    public static TimeSpan Delay(RequestHandler handler, string name, double defaultSeconds)
    {
        var raw = handler.GetQueryArgument(name, "");
        if (raw.Length == 0) return TimeSpan.FromSeconds(defaultSeconds);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ||
            !double.IsFinite(seconds) || seconds < 0 || seconds > MaxDelaySeconds)
            throw new HttpError(400, "{0} must be a number of seconds in [0, {1}], was '{2}'", name, MaxDelaySeconds, raw);
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A count: an integer in [0, <paramref name="max"/>].</summary>
    public static int Count(RequestHandler handler, string name, int defaultValue, int max)
    {
        var raw = handler.GetQueryArgument(name, "");
        if (raw.Length == 0) return defaultValue;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > max)
            throw new HttpError(400, "{0} must be an integer in [0, {1}], was '{2}'", name, max, raw);
        return n;
    }
}
