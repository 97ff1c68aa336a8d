using System.Buffers;
using Akka.IO;

namespace Hub.Buffers;

/// <summary>
/// Per-connection accumulation of received bytes, rented from the shared pool only while unparsed bytes exist:
/// an idle connection holds no buffer. Parsers read <see cref="Unread"/> as a span and <see cref="Advance"/>.
/// </summary>
internal sealed class ReceiveBuffer : IDisposable
{
    private byte[]? _buffer;
    private int _start;
    private int _end;

    public bool IsEmpty => _end == _start;
    public int Length => _end - _start;
    public ReadOnlySpan<byte> Unread => _buffer is null ? default : _buffer.AsSpan(_start, _end - _start);

    public void Append(ByteString data)
    {
        var n = data.Count;
        if (n == 0) return;
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(n, 4096));
            _start = _end = 0;
        }
        else if (_buffer.Length - _end < n)
        {
            var live = _end - _start;
            if (_buffer.Length - live >= n && _start > 0)
            {
                // Compact in place: parsed bytes at the front are dead.
                _buffer.AsSpan(_start, live).CopyTo(_buffer);
            }
            else
            {
                var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, live + n));
                _buffer.AsSpan(_start, live).CopyTo(next);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = next;
            }
            _start = 0;
            _end = live;
        }
        data.CopyTo(_buffer, _end, n);
        _end += n;
    }

    public ByteString Slice(Range range)
    {
        var (off, len) = range.GetOffsetAndLength(Length);
        return ByteString.CopyFrom(_buffer!, _start + off, len);
    }

    public void Advance(int count)
    {
        if ((uint)count > (uint)Length) throw new ArgumentOutOfRangeException(nameof(count));
        _start += count;
        if (_start == _end) Release();
    }

    /// <summary>Everything unread, as an immutable copy (used when a connection changes protocol).</summary>
    public ByteString TakeAll()
    {
        var all = Length == 0 ? ByteString.Empty : ByteString.CopyFrom(_buffer!, _start, Length);
        Release();
        return all;
    }

    public void Dispose() => Release();

    private void Release()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }
}
