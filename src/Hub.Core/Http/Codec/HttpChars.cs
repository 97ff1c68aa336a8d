namespace Hub.Http.Codec;

/// <summary>Character classes of RFC 9110 §5.6 and RFC 3986, as 256-entry lookup tables (one load per byte).</summary>
internal static class HttpChars
{
    // optimization: tables instead of chains of comparisons in the per-byte loops.
    private static readonly bool[] Token = Build(static c =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~"u8.Contains(c));

    // field-value = *( field-vchar / SP / HTAB ), field-vchar = VCHAR / obs-text
    private static readonly bool[] FieldValue = Build(static c => c == (byte)'\t' || c >= 0x20 && c != 0x7F);

    // request-target: any visible ASCII except '#' (fragments are never sent) and no whitespace or CTL.
    private static readonly bool[] TargetChar = Build(static c => c > 0x20 && c < 0x7F && c != (byte)'#');

    // RFC 3986 reg-name = *( unreserved / pct-encoded / sub-delims ), plus IP-literal brackets and ':' for port.
    private static readonly bool[] HostChar = Build(static c =>
        c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "-._~%!$&'()*+,;=[]:"u8.Contains(c));

    public static bool IsToken(byte c) => Token[c];
    public static bool IsFieldValue(byte c) => FieldValue[c];
    public static bool IsTargetChar(byte c) => TargetChar[c];
    public static bool IsHostChar(byte c) => HostChar[c];

    public static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s) if (!Token[c]) return false;
        return true;
    }

    public static bool IsToken(string s) => IsToken(s.AsSpan());

    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (var c in s) if (c > 0xFF || !Token[c]) return false;
        return true;
    }

    /// <summary>A Host value: empty, reg-name or [IP-literal], optionally ":" port digits (RFC 9110 §7.2).</summary>
    public static bool IsValidHost(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return true;
        var hostEnd = s.Length;
        if (s[0] == (byte)'[')
        {
            var close = s.IndexOf((byte)']');
            if (close < 2) return false;
            foreach (var c in s[1..close])
                if (!(IsHexDigit(c) || c == (byte)':' || c == (byte)'.')) return false;
            hostEnd = close + 1;
            if (hostEnd < s.Length && s[hostEnd] != (byte)':') return false;
        }
        else
        {
            var colon = s.LastIndexOf((byte)':');
            if (colon >= 0) hostEnd = colon;
            foreach (var c in s[..hostEnd])
                if (!HostChar[c] || c is (byte)'[' or (byte)']' or (byte)':') return false;
        }
        if (hostEnd < s.Length)
        {
            var port = s[(hostEnd + 1)..];
            if (port.Length > 5) return false;
            foreach (var c in port) if (c is < (byte)'0' or > (byte)'9') return false;
        }
        return true;
    }

    public static bool IsHexDigit(byte c) =>
        c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    public static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool[] Build(Func<byte, bool> predicate)
    {
        var t = new bool[256];
        for (var i = 0; i < 256; i++) t[i] = predicate((byte)i);
        return t;
    }
}
