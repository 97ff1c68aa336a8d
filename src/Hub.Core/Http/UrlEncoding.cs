using System.Buffers;
using System.Text;

namespace Hub.Http;

/// <summary>Percent-decoding of paths and query strings (RFC 3986 §2.1; '+' as space in forms, WHATWG).</summary>
internal static class UrlEncoding
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Empty =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>%XX → byte, bytes read as UTF-8. Invalid escapes stay as they are; '+' stays '+'.</summary>
    public static string DecodePath(string raw) => Decode(raw, plusIsSpace: false);

    /// <summary>Like <see cref="DecodePath"/>, with '+' as a space (query strings and forms).</summary>
    public static string DecodeComponent(string raw) => Decode(raw, plusIsSpace: true);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseQuery(string query)
    {
        if (string.IsNullOrEmpty(query)) return Empty;
        // Values are Lists typed as IReadOnlyList, so the dictionary is returned as built, with no second copy.
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var range in query.AsSpan().Split('&'))
        {
            var pair = query[range];
            if (pair.Length == 0) continue;
            var eq = pair.IndexOf('=');
            var name = DecodeComponent(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : DecodeComponent(pair[(eq + 1)..]);
            if (result.TryGetValue(name, out var list)) ((List<string>)list).Add(value);
            else result[name] = new List<string>(1) { value };
        }
        return result;
    }

    private static string Decode(string raw, bool plusIsSpace)
    {
        if (raw.IndexOf('%') < 0 && (!plusIsSpace || raw.IndexOf('+') < 0)) return raw;
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(raw.Length));
        try
        {
            var n = 0;
            var i = 0;
            while (i < raw.Length)
            {
                var c = raw[i];
                if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
                {
                    rented[n++] = (byte)(Hex(raw[i + 1]) << 4 | Hex(raw[i + 2]));
                    i += 3;
                }
                else if (c == '+' && plusIsSpace) { rented[n++] = (byte)' '; i++; }
                else if (c < 0x80) { rented[n++] = (byte)c; i++; }
                else
                {
                    // Non-ASCII text (already decoded by someone): re-encode as UTF-8, surrogate pairs together.
                    var len = char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1;
                    n += Encoding.UTF8.GetBytes(raw.AsSpan(i, len), rented.AsSpan(n));
                    i += len;
                }
            }
            return Encoding.UTF8.GetString(rented, 0, n);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
    private static int Hex(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
