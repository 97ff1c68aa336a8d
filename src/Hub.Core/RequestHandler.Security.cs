using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hub;

public abstract partial class RequestHandler
{
    private const string XsrfCookieName = "_xsrf";
    private byte[]? _xsrfToken;

    /// <summary>
    /// Sets a cookie whose value is timestamped and signed with the first of hub.security.cookie-secrets
    /// (HMAC-SHA256), so the client can read but not forge it (Tornado's set_signed_cookie). The cookie's Max-Age
    /// is <paramref name="maxAge"/>, by default hub.security.signed-cookie-max-age (infinite: a session cookie).
    /// </summary>
    public void SetSignedCookie(string name, string value, TimeSpan? maxAge = null, string? path = "/",
        bool httpOnly = true, bool secure = false, SameSiteMode sameSite = SameSiteMode.Lax) =>
        SetCookie(name, SignedValue.Create(Secrets(), name, value, DateTimeOffset.UtcNow), path: path,
            maxAge: maxAge ?? Settings.Security.SignedCookieMaxAge, httpOnly: httpOnly, secure: secure, sameSite: sameSite);

    /// <summary>
    /// The value of a signed cookie if its signature matches any configured secret (so keys can rotate) and it is
    /// younger than <paramref name="maxAge"/> (default hub.security.signed-cookie-max-age); otherwise null.
    /// </summary>
    public string? GetSignedCookie(string name, TimeSpan? maxAge = null)
    {
        var raw = GetCookie(name);
        if (raw is null) return null;
        return SignedValue.Decode(Secrets(), name, raw, maxAge ?? Settings.Security.SignedCookieMaxAge, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// This session's XSRF token, masked afresh on each call (BREACH-safe, like Tornado's v2 tokens). Reading it sets
    /// the _xsrf cookie when the client has none. Put it in forms as _xsrf or send it as X-XSRFToken.
    /// </summary>
    public string XsrfToken
    {
        get
        {
            if (_xsrfToken is null)
            {
                _xsrfToken = XsrfTokens.TryDecode(GetCookie(XsrfCookieName)) ?? RandomNumberGenerator.GetBytes(16);
                if (XsrfTokens.TryDecode(GetCookie(XsrfCookieName)) is null)
                    SetCookie(XsrfCookieName, XsrfTokens.Encode(_xsrfToken), path: "/", sameSite: SameSiteMode.Lax);
            }
            return XsrfTokens.Encode(_xsrfToken);
        }
    }

    /// <summary>An HTML hidden input carrying <see cref="XsrfToken"/>.</summary>
    public string XsrfFormHtml() => $"<input type=\"hidden\" name=\"_xsrf\" value=\"{XsrfToken}\"/>";

    /// <summary>
    /// Called before POST/PUT/PATCH/DELETE when hub.security.xsrf-cookies is on: the _xsrf argument or
    /// X-XSRFToken/X-CSRFToken header must carry the same token as the _xsrf cookie, else 403.
    /// </summary>
    public virtual void CheckXsrfCookie()
    {
        var submitted = GetArgument("_xsrf", "") is { Length: > 0 } arg ? arg
            : Request.Headers.Get("X-XSRFToken") ?? Request.Headers.Get("X-CSRFToken");
        if (string.IsNullOrEmpty(submitted)) throw new HttpError(403, "'_xsrf' argument missing from {0}", Request.Method);
        var expected = XsrfTokens.TryDecode(GetCookie(XsrfCookieName));
        var actual = XsrfTokens.TryDecode(submitted);
        if (expected is null) throw new HttpError(403, "'_xsrf' cookie missing or invalid");
        if (actual is null || !CryptographicOperations.FixedTimeEquals(expected, actual))
            throw new HttpError(403, "XSRF cookie does not match {0} argument", Request.Method);
    }

    private IReadOnlyList<string> Secrets()
    {
        var secrets = Settings.Security.CookieSecrets;
        if (secrets.Count == 0)
            throw new InvalidOperationException("signed cookies need hub.security.cookie-secrets to be set");
        return secrets;
    }
}

/// <summary>
/// Tornado-style signed values: "2|1:0|10:&lt;unix time&gt;|&lt;n&gt;:&lt;name&gt;|&lt;n&gt;:&lt;base64 value&gt;|&lt;hex HMAC-SHA256&gt;".
/// The name is signed too, so a value cannot be moved to another cookie.
/// </summary>
internal static class SignedValue
{
    public static string Create(IReadOnlyList<string> secrets, string name, string value, DateTimeOffset now)
    {
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        var toSign = $"2|1:0|{Field(ts)}|{Field(name)}|{Field(b64)}|";
        return toSign + Sign(secrets[0], toSign);
    }

    public static string? Decode(IReadOnlyList<string> secrets, string name, string signed, TimeSpan maxAge, DateTimeOffset now)
    {
        var lastBar = signed.LastIndexOf('|');
        if (!signed.StartsWith("2|", StringComparison.Ordinal) || lastBar < 0) return null;
        var toSign = signed[..(lastBar + 1)];
        var signature = signed[(lastBar + 1)..];
        var valid = false;
        foreach (var secret in secrets)
            valid |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, toSign)), Encoding.ASCII.GetBytes(signature));
        if (!valid) return null;

        var fields = new List<string>(4);
        var rest = toSign.AsSpan(2);
        while (!rest.IsEmpty)
        {
            var colon = rest.IndexOf(':');
            if (colon <= 0 || !int.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var len)) return null;
            var start = colon + 1;
            if (start + len >= rest.Length || rest[start + len] != '|') return null;
            fields.Add(rest.Slice(start, len).ToString());
            rest = rest[(start + len + 1)..];
        }
        if (fields.Count != 4 || fields[2] != name) return null;
        if (!long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ts)) return null;
        var age = now - DateTimeOffset.FromUnixTimeSeconds(ts);
        // Infinite (hub.security.signed-cookie-max-age = infinite) is -1 ms: it means "no age limit", not "expired".
        if ((maxAge != Timeout.InfiniteTimeSpan && age > maxAge) || age < TimeSpan.FromMinutes(-5)) return null;
        try { return Encoding.UTF8.GetString(Convert.FromBase64String(fields[3])); }
        catch (FormatException) { return null; }
    }

    private static string Field(string s) => $"{s.Length.ToString(CultureInfo.InvariantCulture)}:{s}";

    private static string Sign(string secret, string data) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(data)));
}

/// <summary>XSRF token encoding "2|mask|masked-token|timestamp" (hex); the mask changes on every render.</summary>
internal static class XsrfTokens
{
    public static string Encode(byte[] token)
    {
        var mask = RandomNumberGenerator.GetBytes(4);
        var masked = new byte[token.Length];
        for (var i = 0; i < token.Length; i++) masked[i] = (byte)(token[i] ^ mask[i % 4]);
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"2|{Convert.ToHexStringLower(mask)}|{Convert.ToHexStringLower(masked)}|{ts}";
    }

    public static byte[]? TryDecode(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var parts = value.Split('|');
        if (parts.Length != 4 || parts[0] != "2") return null;
        try
        {
            var mask = Convert.FromHexString(parts[1]);
            var masked = Convert.FromHexString(parts[2]);
            if (mask.Length != 4 || masked.Length == 0) return null;
            var token = new byte[masked.Length];
            for (var i = 0; i < masked.Length; i++) token[i] = (byte)(masked[i] ^ mask[i % 4]);
            return token;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
