using System.Text;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>Deterministic message payloads, so a failing case is reproducible.</summary>
public static class Payloads
{
    /// <summary><paramref name="length"/> bytes of printable ASCII (valid UTF-8 with one byte per char).</summary>
    public static string Text(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ";
        return string.Create(length, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[i * 7 % alphabet.Length];
        });
    }

    /// <summary><paramref name="length"/> pseudo-random bytes (often invalid UTF-8, which binary must not care about).</summary>
    public static byte[] Binary(int length, int seed = 6455)
    {
        var data = new byte[length];
        new Random(seed + length).NextBytes(data);
        return data;
    }

    /// <summary>Bytes from a hex string such as "CE BA E1".</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
