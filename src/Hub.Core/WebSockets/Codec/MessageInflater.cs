using System.IO.Compression;
using Hub.Buffers;

namespace Hub.WebSockets.Codec;

/// <summary>
/// Decompresses incoming permessage-deflate messages (RFC 7692 §7.2.2): appends 00 00 FF FF and inflates, counting
/// output as it goes so a small message that inflates past max-message-size fails (1009) before the memory is
/// taken. Keeps one inflater for the socket's life unless the client resets its context per message.
/// </summary>
internal sealed class MessageInflater : IDisposable
{
    private static readonly byte[] Tail = [0x00, 0x00, 0xFF, 0xFF];
    private readonly bool _resetPerMessage;
    private readonly FeedStream _input = new();
    private DeflateStream? _inflate;

    public MessageInflater(bool resetPerMessage) => _resetPerMessage = resetPerMessage;

    /// <summary>Inflates into <paramref name="output"/>; false when the result would exceed <paramref name="maxSize"/>
    /// or the data is not valid deflate.</summary>
    public bool TryInflate(ReadOnlySpan<byte> compressed, long maxSize, PooledBufferWriter output, out bool tooBig)
    {
        tooBig = false;
        _input.Set(compressed.ToArray(), Tail);
        _inflate ??= new DeflateStream(_input, CompressionMode.Decompress, leaveOpen: true);
        try
        {
            while (true)
            {
                var span = output.GetSpan(16 * 1024);
                var room = (int)Math.Min(span.Length, maxSize - output.WrittenCount + 1);
                if (room <= 0) { tooBig = true; return false; }
                var n = _inflate.Read(span[..room]);
                if (n == 0) break;
                output.Advance(n);
                if (output.WrittenCount > maxSize) { tooBig = true; return false; }
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }
        finally
        {
            if (_resetPerMessage || tooBig)
            {
                _inflate?.Dispose();
                _inflate = null;
            }
        }
        return true;
    }

    public void Dispose() => _inflate?.Dispose();

    /// <summary>A read-only stream over the current message's bytes; reading past them returns 0 (more may come later).</summary>
    private sealed class FeedStream : Stream
    {
        private byte[] _first = [];
        private byte[] _second = [];
        private int _pos;

        public void Set(byte[] first, byte[] second)
        {
            _first = first;
            _second = second;
            _pos = 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var total = _first.Length + _second.Length;
            if (_pos >= total) return 0;
            var n = 0;
            while (n < destination.Length && _pos < total)
            {
                var (src, at) = _pos < _first.Length ? (_first, _pos) : (_second, _pos - _first.Length);
                var take = Math.Min(destination.Length - n, src.Length - at);
                src.AsSpan(at, take).CopyTo(destination[n..]);
                n += take;
                _pos += take;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
