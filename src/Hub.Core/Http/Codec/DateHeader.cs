using System.Text;

namespace Hub.Http.Codec;

/// <summary>
/// The "Date: …\r\n" line (RFC 9110 §6.6.1, IMF-fixdate), rendered at most once per second and shared by every
/// connection, as Kestrel does; a response copies the cached bytes instead of formatting a date.
/// </summary>
internal static class DateHeader
{
    private sealed record Cached(long Second, byte[] Line);

    private static volatile Cached _cached = Render(DateTimeOffset.UtcNow);

    public static ReadOnlySpan<byte> Line
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var c = _cached;
            if (c.Second != now.ToUnixTimeSeconds()) _cached = c = Render(now);
            return c.Line;
        }
    }

    private static Cached Render(DateTimeOffset now) =>
        new(now.ToUnixTimeSeconds(), Encoding.ASCII.GetBytes("Date: " + now.ToString("r") + "\r\n"));
}
