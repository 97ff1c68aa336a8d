using System.Net.Sockets;
using System.Text;

namespace Hub.Integration.Tests.Host;

/// <summary>
/// Reads a chunked HTTP/1.1 response off a socket one chunk at a time, keeping the chunk boundaries the server
/// chose (HttpClient and <see cref="Support.RawConnection"/> hide them).
/// </summary>
public sealed class ChunkReader(Socket socket)
{
    private readonly List<byte> _buffer = new();

    /// <summary>The status line and header lines, without the blank line.</summary>
    public async Task<string[]> ReadHeadAsync(CancellationToken ct)
    {
        var end = await FillUntilAsync("\r\n\r\n"u8.ToArray(), ct);
        var head = Encoding.Latin1.GetString(_buffer.GetRange(0, end).ToArray());
        _buffer.RemoveRange(0, end + 4);
        return head.Split("\r\n");
    }

    /// <summary>The next chunk's data; empty for the last chunk (RFC 9112 §7.1).</summary>
    public async Task<string> ReadChunkAsync(CancellationToken ct)
    {
        var lineEnd = await FillUntilAsync("\r\n"u8.ToArray(), ct);
        var sizeText = Encoding.Latin1.GetString(_buffer.GetRange(0, lineEnd).ToArray()).Split(';')[0];
        var size = Convert.ToInt32(sizeText, 16);
        _buffer.RemoveRange(0, lineEnd + 2);
        while (_buffer.Count < size + 2) await ReceiveAsync(ct);
        var data = Encoding.UTF8.GetString(_buffer.GetRange(0, size).ToArray());
        Assert.Equal("\r\n", Encoding.Latin1.GetString(_buffer.GetRange(size, 2).ToArray()));
        _buffer.RemoveRange(0, size + 2);
        return data;
    }

    private async Task<int> FillUntilAsync(byte[] marker, CancellationToken ct)
    {
        while (true)
        {
            var index = IndexOf(marker);
            if (index >= 0) return index;
            await ReceiveAsync(ct);
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var chunk = new byte[4096];
        var n = await socket.ReceiveAsync(chunk, SocketFlags.None, ct);
        if (n == 0) throw new IOException("connection closed mid-response; unread: " + Encoding.Latin1.GetString(_buffer.ToArray()));
        _buffer.AddRange(chunk.AsSpan(0, n).ToArray());
    }

    private int IndexOf(byte[] marker)
    {
        for (var i = 0; i + marker.Length <= _buffer.Count; i++)
        {
            var match = true;
            for (var k = 0; k < marker.Length && match; k++) match = _buffer[i + k] == marker[k];
            if (match) return i;
        }
        return -1;
    }
}
