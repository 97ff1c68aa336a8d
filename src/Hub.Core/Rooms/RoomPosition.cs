using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Hub;

/// <summary>
/// Where a message sits in its room: <see cref="Epoch"/> names one unbroken run of the room's history (it changes
/// whenever history is lost) and <see cref="Offset"/> counts messages inside it from 1, without gaps. Written
/// <c>epoch:offset</c> on the wire (docs/rooms-protocol.md).
/// </summary>
public readonly record struct RoomPosition(string Epoch, long Offset)
{
    public override string ToString() => string.Concat(Epoch, ":", Offset.ToString(CultureInfo.InvariantCulture));

    /// <summary>Parses <c>epoch:offset</c>; the epoch is letters and digits, the offset a non-negative integer.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RoomPosition? position)
    {
        position = null;
        if (string.IsNullOrEmpty(text)) return false;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon > 64) return false;
        var epoch = text.AsSpan(0, colon);
        foreach (var c in epoch)
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        if (!long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) return false;
        position = new RoomPosition(epoch.ToString(), offset);
        return true;
    }
}
