using System.Buffers;
using Akka.IO;

namespace Hub.Buffers;

/// <summary>
/// What the transport has to write while a write is in flight, gathered into the next single write.
/// One element is sent as it is (no copy). Two or more are copied into one array rented from the shared pool:
/// a burst of N small WebSocket frames becomes one contiguous buffer and one send, in O(N) — Akka's
/// <see cref="ByteString.Concat"/> copies its whole buffer list on every call, which made a burst O(N²) in time and
/// garbage. The rented array goes back to the pool when the socket acknowledges the write that carried it (it holds
/// the bytes until then), so an idle connection holds no buffer.
/// </summary>
internal sealed class WriteCoalescer(ArrayPool<byte> pool)
{
    public WriteCoalescer() : this(ArrayPool<byte>.Shared)
    {
    }

    private ByteString? _single;
    private byte[]? _buffer;
    private int _length;
    private byte[]? _inFlight;

    /// <summary>Bytes waiting for the next write.</summary>
    public int Count => _single?.Count ?? _length;

    public bool IsEmpty => Count == 0;

    public void Add(ByteString data)
    {
        if (data.IsEmpty) return;
        if (_buffer is null && _single is null)
        {
            _single = data;
            return;
        }
        if (_single is { } first)
        {
            _single = null;
            Append(first);
        }
        Append(data);
    }

    /// <summary>Everything waiting, as one ByteString for one write; empty when nothing waits. A rented buffer stays
    /// lent to that write until <see cref="Acknowledged"/>.</summary>
    public ByteString Take()
    {
        if (_single is { } single)
        {
            _single = null;
            return single;
        }
        if (_buffer is null) return ByteString.Empty;
        // The transport takes only after the previous write's Ack (Acknowledged), so nothing is in flight here.
        var bytes = ByteString.FromBytes(_buffer, 0, _length);
        _inFlight = _buffer;
        _buffer = null;
        _length = 0;
        return bytes;
    }

    /// <summary>Everything waiting, copied into one pooled array for one socket send (a socket sends from arrays,
    /// and ByteString does not expose its own); empty when nothing waits. The array stays lent to that send until
    /// <see cref="Acknowledged"/>.</summary>
    public ArraySegment<byte> TakeArray()
    {
        if (_single is { } single)
        {
            _single = null;
            Append(single);
        }
        if (_buffer is null) return ArraySegment<byte>.Empty;
        var segment = new ArraySegment<byte>(_buffer, 0, _length);
        _inFlight = _buffer;
        _buffer = null;
        _length = 0;
        return segment;
    }

    /// <summary>The last write taken has completed: its buffer can be reused.</summary>
    public void Acknowledged()
    {
        if (_inFlight is null) return;
        pool.Return(_inFlight);
        _inFlight = null;
    }

    /// <summary>The connection is gone: forget everything. A buffer still lent to a write is left to the GC, not
    /// returned, since the socket may not be done with it.</summary>
    public void Clear()
    {
        _single = null;
        if (_buffer is not null) pool.Return(_buffer);
        _buffer = null;
        _length = 0;
        _inFlight = null;
    }

    private void Append(ByteString data)
    {
        var needed = _length + data.Count;
        if (_buffer is null || needed > _buffer.Length)
        {
            var bigger = pool.Rent(Math.Max(needed, Math.Max(4096, (_buffer?.Length ?? 0) * 2)));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                pool.Return(_buffer);
            }
            _buffer = bigger;
        }
        data.CopyTo(_buffer, _length, data.Count);
        _length = needed;
    }
}
