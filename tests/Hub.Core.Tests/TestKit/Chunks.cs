using System.Text;
using Akka.IO;

namespace Hub.Core.Tests.TestKit;

/// <summary>
/// One input cut into the pieces a socket might deliver. <see cref="ToString"/> names the cut, so a failing
/// theory row says which split broke.
/// </summary>
public sealed class Chunks
{
    private readonly string _label;

    public Chunks(string label, IReadOnlyList<byte[]> parts)
    {
        _label = label;
        Parts = parts;
        var whole = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var p in parts)
        {
            p.CopyTo(whole, offset);
            offset += p.Length;
        }
        Whole = whole;
    }

    public IReadOnlyList<byte[]> Parts { get; }

    /// <summary>All parts joined: the same bytes delivered in one read.</summary>
    public byte[] Whole { get; }

    /// <summary>Each part as its own ByteString, for feeding a stage through a publisher probe.</summary>
    public ByteString[] ToByteStrings() => Parts.Select(p => ByteString.CopyFrom(p)).ToArray();

    /// <summary>The input in one piece.</summary>
    public static Chunks Single(byte[] bytes) => new("whole", [bytes]);

    /// <summary>The input in one piece (Latin-1, so "\xFF" is the byte 0xFF).</summary>
    public static Chunks Single(string text) => Single(Encoding.Latin1.GetBytes(text));

    public override string ToString() => $"{_label} ({Whole.Length} B)";
}
