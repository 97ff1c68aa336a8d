using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Hub.WebSockets.Codec;

/// <summary>
/// Incremental UTF-8 validation across the fragments of a text message (RFC 6455 §8.1). Fails fast: a byte that
/// can never start or continue valid UTF-8 is reported in the fragment where it arrives, not at the end of the
/// message (Autobahn 6.x). Only an incomplete code point (≤ 3 bytes) is carried between fragments.
/// </summary>
internal struct Utf8Validator
{
    private uint _pending;      // up to 3 bytes of an incomplete sequence, little-endian
    private int _pendingCount;

    public void Reset()
    {
        _pending = 0;
        _pendingCount = 0;
    }

    /// <summary>Validates the next slice; <paramref name="isFinal"/> means the message ends with it.</summary>
    public bool Append(ReadOnlySpan<byte> data, bool isFinal)
    {
        if (_pendingCount > 0)
        {
            // Complete the carried code point with the first bytes of this slice.
            Span<byte> joined = stackalloc byte[4];
            for (var i = 0; i < _pendingCount; i++) joined[i] = (byte)(_pending >> (8 * i));
            var take = Math.Min(4 - _pendingCount, data.Length);
            data[..take].CopyTo(joined[_pendingCount..]);
            var status = Rune.DecodeFromUtf8(joined[..(_pendingCount + take)], out _, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                if (isFinal) return false;
                Carry(joined[..(_pendingCount + take)]);
                return true;
            }
            if (status != OperationStatus.Done) return false;
            data = data[(consumed - _pendingCount)..];
            Reset();
        }

        if (Utf8.IsValid(data))
        {
            return true;
        }
        // Invalid as a whole: either a real error, or a code point cut at the end of the slice.
        var tail = IncompleteTailLength(data);
        if (tail == 0 || !Utf8.IsValid(data[..^tail])) return false;
        var rest = data[^tail..];
        var tailStatus = Rune.DecodeFromUtf8(rest, out _, out _);
        if (tailStatus != OperationStatus.NeedMoreData || isFinal) return false;
        Carry(rest);
        return true;
    }

    private void Carry(ReadOnlySpan<byte> bytes)
    {
        _pending = 0;
        for (var i = 0; i < bytes.Length; i++) _pending |= (uint)bytes[i] << (8 * i);
        _pendingCount = bytes.Length;
    }

    /// <summary>Length (1–3) of a trailing lead byte plus continuation bytes, or 0.</summary>
    private static int IncompleteTailLength(ReadOnlySpan<byte> data)
    {
        for (var back = 1; back <= 3 && back <= data.Length; back++)
        {
            var b = data[^back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            return b >= 0xC0 ? back : 0;
        }
        return 0;
    }
}
