using System.Globalization;
using System.Text;

namespace Hub;

/// <summary>SameSite attribute of a cookie (RFC 6265bis).</summary>
public enum SameSiteMode
{
    Unspecified,
    Lax,
    Strict,
    None,
}

public abstract partial class RequestHandler
{
    /// <summary>A cookie sent by the client, or <paramref name="defaultValue"/>.</summary>
    public string? GetCookie(string name, string? defaultValue = null) =>
        Request.Cookies.TryGetValue(name, out var v) ? v : defaultValue;

    /// <summary>
    /// Adds a Set-Cookie header (RFC 6265 §4.1). Name must be a token; value may not contain ';', ',', '"', '\\',
    /// whitespace or controls; domain and path may not contain ';' or controls (they would smuggle in attributes).
    /// A <paramref name="maxAge"/> of <see cref="Timeout.InfiniteTimeSpan"/> sends no Max-Age (a session cookie).
    /// </summary>
    public void SetCookie(string name, string value, string? domain = null, DateTimeOffset? expires = null,
        string? path = "/", TimeSpan? maxAge = null, bool httpOnly = false, bool secure = false,
        SameSiteMode sameSite = SameSiteMode.Unspecified)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Http.Codec.HttpChars.IsToken(name)) throw new ArgumentException($"invalid cookie name '{name}'", nameof(name));
        foreach (var c in value)
            if (c < 0x21 || c > 0x7E || c is ';' or ',' or '"' or '\\')
                throw new ArgumentException($"invalid character in value of cookie '{name}'", nameof(value));
        CheckAttribute(name, "domain", domain);
        CheckAttribute(name, "path", path);
        if (maxAge is { } negative && negative < TimeSpan.Zero && negative != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(maxAge), maxAge, "cookie Max-Age may not be negative");
        var sb = new StringBuilder(name).Append('=').Append(value);
        if (domain is not null) sb.Append("; Domain=").Append(domain);
        if (expires is { } e) sb.Append("; Expires=").Append(e.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        if (maxAge is { } m && m != Timeout.InfiniteTimeSpan)
            sb.Append("; Max-Age=").Append(((long)m.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        if (path is not null) sb.Append("; Path=").Append(path);
        if (secure) sb.Append("; Secure");
        if (httpOnly) sb.Append("; HttpOnly");
        if (sameSite != SameSiteMode.Unspecified) sb.Append("; SameSite=").Append(sameSite);
        AddHeader("Set-Cookie", sb.ToString());
    }

    private static void CheckAttribute(string cookie, string attribute, string? value)
    {
        if (value is null) return;
        foreach (var c in value)
            if (c < 0x20 || c == 0x7F || c == ';')
                throw new ArgumentException($"invalid character in {attribute} of cookie '{cookie}'", attribute);
    }

    /// <summary>Tells the client to delete a cookie (expired, empty value).</summary>
    public void ClearCookie(string name, string? path = "/", string? domain = null) =>
        SetCookie(name, "", domain, expires: DateTimeOffset.UnixEpoch, path: path, maxAge: TimeSpan.Zero);
}
