namespace Hub.Fuzz;

/// <summary>The bytes received and not yet consumed, as the server's receive buffer holds them between reads.</summary>
internal sealed class FeedBuffer
{
    private byte[] _bytes = new byte[256];
    private int _start;
    private int _end;

    public ReadOnlySpan<byte> Unread => _bytes.AsSpan(_start, _end - _start);

    public int Length => _end - _start;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_end + data.Length > _bytes.Length)
        {
            var grown = new byte[Math.Max(_bytes.Length * 2, Length + data.Length)];
            Unread.CopyTo(grown);
            _end -= _start;
            _start = 0;
            _bytes = grown;
        }
        data.CopyTo(_bytes.AsSpan(_end));
        _end += data.Length;
    }

    public void Advance(int count)
    {
        FuzzInvariantException.Check(count >= 0 && count <= Length, $"consumed {count} of {Length} buffered bytes");
        _start += count;
    }
}
