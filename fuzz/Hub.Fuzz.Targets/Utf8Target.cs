using System.Buffers;
using System.Text.Unicode;
using Hub.WebSockets.Codec;

namespace Hub.Fuzz;

/// <summary>
/// <see cref="Utf8Validator"/> over the fragments of a text message. The oracle is the runtime's own decoder: the
/// verdict must equal <see cref="Utf8.IsValid"/> of the whole message however it is split, and the validator must
/// fail exactly in the first fragment after which the bytes so far can no longer begin valid UTF-8 (fail fast, but
/// never on a code point that the next fragment may still complete).
/// </summary>
public static class Utf8Target
{
    public static void Run(byte[] input)
    {
        var valid = Utf8.IsValid(input);
        foreach (var feed in Splits.Of(input))
        {
            // As MessageReader calls it: each fragment as it arrives, the last one marked final.
            Check(input, feed, valid, finalWithLast: true);
            // And with the end of the message signalled separately by an empty final slice.
            Check(input, feed, valid, finalWithLast: false);
        }
    }

    private static void Check(byte[] input, int[] feed, bool valid, bool finalWithLast)
    {
        var validator = new Utf8Validator();
        var offset = 0;
        for (var i = 0; i < feed.Length; i++)
        {
            var isFinal = finalWithLast && i == feed.Length - 1;
            var accepted = validator.Append(input.AsSpan(offset, feed[i]), isFinal);
            offset += feed[i];
            var prefixOk = isFinal ? Utf8.IsValid(input.AsSpan(0, offset)) : IsValidPrefix(input.AsSpan(0, offset));
            FuzzInvariantException.Check(accepted == prefixOk,
                $"fragment {i} of [{string.Join(',', feed.Take(20))}] (final: {isFinal}) {(accepted ? "accepted" : "rejected")} " +
                $"a prefix that {(prefixOk ? "can" : "cannot")} begin valid UTF-8");
            if (!accepted) return;
        }
        if (!finalWithLast)
        {
            var accepted = validator.Append([], isFinal: true);
            FuzzInvariantException.Check(accepted == valid, $"the final empty slice {(accepted ? "accepted" : "rejected")}, whole input valid: {valid}");
        }
    }

    /// <summary>True when <paramref name="prefix"/> is valid UTF-8 or valid but for a code point cut at its end.</summary>
    private static bool IsValidPrefix(ReadOnlySpan<byte> prefix)
    {
        var chars = new char[prefix.Length + 1];
        var status = Utf8.ToUtf16(prefix, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: false);
        return status is OperationStatus.Done or OperationStatus.NeedMoreData;
    }
}
