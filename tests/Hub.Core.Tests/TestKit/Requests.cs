using System.Text;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// Ways to cut request bytes, as xunit MemberData: a parser that is right for one read must be right for any
/// sequence of reads, so each valid input is checked at every 2-way split point and one byte at a time.
/// </summary>
public static class Requests
{
    /// <summary>
    /// The input whole, split in two at every position 1..n-1, and one byte at a time. Text is Latin-1 so
    /// tests can write any byte as a char.
    /// </summary>
    public static IEnumerable<object[]> SplitEverywhere(string input) =>
        Splits(Encoding.Latin1.GetBytes(input)).Select(c => new object[] { c });

    /// <summary><see cref="SplitEverywhere"/> for bytes, as plain values.</summary>
    public static IEnumerable<Chunks> Splits(byte[] bytes)
    {
        yield return Chunks.Single(bytes);
        for (var i = 1; i < bytes.Length; i++)
            yield return new Chunks($"split at {i}", [bytes[..i], bytes[i..]]);
        if (bytes.Length > 2)
            yield return new Chunks("1 byte at a time", bytes.Select(b => new[] { b }).ToArray());
    }

    /// <summary>Cuts <paramref name="bytes"/> at the given ascending positions.</summary>
    public static Chunks SplitAt(byte[] bytes, IEnumerable<int> positions)
    {
        var parts = new List<byte[]>();
        var start = 0;
        foreach (var p in positions.Where(p => p > 0 && p < bytes.Length).Distinct().Order())
        {
            parts.Add(bytes[start..p]);
            start = p;
        }
        parts.Add(bytes[start..]);
        return new Chunks($"split at [{string.Join(",", positions)}]", parts);
    }

    /// <summary>Latin-1 bytes of <paramref name="text"/>: every char below 256 is that byte.</summary>
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);
}
