namespace Hub.Core.Tests.TestKit;

/// <summary>Small edits to valid input for the parsers' property tests, and a readable form of the result.</summary>
internal static class ByteMutations
{
    /// <summary>Applies each mutation in turn: 0 replaces the byte at the relative position, 1 inserts, 2 deletes.</summary>
    public static byte[] Mutate(byte[] input, (int Kind, double At, byte Byte)[] mutations)
    {
        var bytes = input.ToList();
        foreach (var (kind, at, b) in mutations)
        {
            var i = Math.Min((int)(at * bytes.Count), bytes.Count - 1);
            switch (kind)
            {
                case 0: bytes[i] = b; break;
                case 1: bytes.Insert(i, b); break;
                default: if (bytes.Count > 1) bytes.RemoveAt(i); break;
            }
        }
        return bytes.ToArray();
    }

    /// <summary>The bytes as text with CR, LF, TAB and other non-printing bytes escaped, for failure messages.</summary>
    public static string Escape(byte[] bytes) => string.Concat(bytes.Select(b => b switch
    {
        (byte)'\r' => "\\r",
        (byte)'\n' => "\\n",
        (byte)'\t' => "\\t",
        < 0x20 or >= 0x7F => $"\\x{b:X2}",
        _ => ((char)b).ToString(),
    }));
}
