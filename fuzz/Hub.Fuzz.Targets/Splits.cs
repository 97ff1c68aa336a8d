namespace Hub.Fuzz;

/// <summary>
/// Input-derived ways to cut an input into the reads a socket could deliver. The cut points come from a hash of
/// the input, so a run is reproducible from the input file alone and the file stays the raw protocol bytes.
/// </summary>
public static class Splits
{
    /// <summary>Inputs up to this size are also fed one byte at a time (the worst case for incremental parsers).</summary>
    public const int ByteAtATimeLimit = 2048;

    /// <summary>The feeds every target compares: whole, cut in two at an input-derived point, input-derived
    /// chunks, and (for small inputs) one byte at a time. Each is a list of chunk lengths summing to the length.</summary>
    public static IEnumerable<int[]> Of(ReadOnlySpan<byte> input)
    {
        var length = input.Length;
        var hash = Fnv1a(input, FnvOffset);
        var feeds = new List<int[]> { new[] { length } };
        if (length < 2) return feeds;
        var cut = (int)(hash % (ulong)(length - 1)) + 1;
        feeds.Add([cut, length - cut]);
        feeds.Add(Chunks(length, hash));
        if (length <= ByteAtATimeLimit) feeds.Add(Enumerable.Repeat(1, length).ToArray());
        return feeds;
    }

    /// <summary>Chunk lengths of 1..16 bytes drawn from a xorshift sequence seeded by the input's hash.</summary>
    private static int[] Chunks(int length, ulong seed)
    {
        var state = seed | 1;
        var chunks = new List<int>();
        var left = length;
        while (left > 0)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            var n = (int)Math.Min((long)(state % 16) + 1, left);
            chunks.Add(n);
            left -= n;
        }
        return chunks.ToArray();
    }

    public const ulong FnvOffset = 14695981039346656037UL;

    /// <summary>FNV-1a, continued from <paramref name="h"/>: the same digest however the bytes are sliced.</summary>
    public static ulong Fnv1a(ReadOnlySpan<byte> input, ulong h)
    {
        foreach (var b in input) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
