using System.Text;

namespace Hub.WebSockets;

/// <summary>
/// permessage-deflate negotiation (RFC 7692 §5, §7.1). Takes the first offer the server can honour exactly and
/// answers with the parameters it accepted. System.IO.Compression always deflates with a 32 KiB window, so an offer
/// demanding a smaller server window (server_max_window_bits &lt; 15) is declined rather than half-honoured; any
/// client window is fine because inflating with the full window reads every smaller one.
/// </summary>
internal static class PerMessageDeflate
{
    public const string Name = "permessage-deflate";

    /// <summary>The accepted parameters and the Sec-WebSocket-Extensions response value, or null to decline.</summary>
    public static (DeflateParameters Parameters, string Response)? Negotiate(IReadOnlyList<string> extensionHeaders)
    {
        foreach (var header in extensionHeaders)
            foreach (var offer in SplitOffers(header))
                if (TryAccept(offer) is { } accepted) return accepted;
        return null;
    }

    private static (DeflateParameters, string)? TryAccept(string offer)
    {
        var parts = offer.Split(';');
        if (!parts[0].Trim().Equals(Name, StringComparison.OrdinalIgnoreCase)) return null; // other extensions: ignored
        bool serverNoContext = false, clientNoContext = false, clientWindowSeen = false, serverWindowSeen = false;
        var clientWindow = 15;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < parts.Length; i++)
        {
            var p = parts[i].Trim();
            if (p.Length == 0) return null;
            var eq = p.IndexOf('=');
            var name = (eq < 0 ? p : p[..eq]).Trim();
            var value = eq < 0 ? null : p[(eq + 1)..].Trim().Trim('"');
            // §7: a parameter may appear once; unknown parameters make the offer invalid.
            if (!seen.Add(name)) return null;
            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover":
                    if (value is not null) return null;
                    serverNoContext = true;
                    break;
                case "client_no_context_takeover":
                    if (value is not null) return null;
                    clientNoContext = true;
                    break;
                case "server_max_window_bits":
                    if (!TryWindowBits(value, out var serverBits)) return null;
                    if (serverBits != 15) return null; // cannot deflate with a smaller window: decline this offer
                    serverWindowSeen = true;
                    break;
                case "client_max_window_bits":
                    if (value is not null && !TryWindowBits(value, out clientWindow)) return null;
                    clientWindowSeen = true;
                    break;
                default:
                    return null;
            }
        }
        var response = new StringBuilder(Name);
        if (serverNoContext) response.Append("; server_no_context_takeover");
        if (clientNoContext) response.Append("; client_no_context_takeover");
        if (serverWindowSeen) response.Append("; server_max_window_bits=15");
        _ = clientWindowSeen; // the client's window needs no answer: our inflater reads any window size
        return (new DeflateParameters(serverNoContext, clientNoContext, 15, clientWindow), response.ToString());
    }

    private static bool TryWindowBits(string? value, out int bits)
    {
        bits = 0;
        return value is not null && value.Length <= 2 && value.All(char.IsAsciiDigit)
               && int.TryParse(value, out bits) && bits is >= 8 and <= 15;
    }

    /// <summary>Splits a header into extension offers at commas outside quoted strings.</summary>
    private static IEnumerable<string> SplitOffers(string header)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] == '"') quoted = !quoted;
            else if (header[i] == ',' && !quoted)
            {
                yield return header[start..i];
                start = i + 1;
            }
        }
        yield return header[start..];
    }
}
