namespace Hub.Http;

/// <summary>Cookie request header → name/value pairs (RFC 6265 §5.4); the first of a repeated name wins.</summary>
internal static class CookieParser
{
    public static IReadOnlyDictionary<string, string> Parse(IReadOnlyList<string> headers)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in headers)
            foreach (var range in header.AsSpan().Split(';'))
            {
                var pair = header.AsSpan()[range].Trim();
                if (pair.IsEmpty) continue;
                var eq = pair.IndexOf('=');
                if (eq <= 0) continue;
                var name = pair[..eq].Trim().ToString();
                var value = pair[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
                result.TryAdd(name, value.ToString());
            }
        return result;
    }
}
