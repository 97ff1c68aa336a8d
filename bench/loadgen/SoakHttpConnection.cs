using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LoadGen;

/// <summary>
/// One HTTP/1.1 connection for the soak mode: GET requests one at a time, each response read whole (head and
/// Content-Length body) and checked for status 200. Keep-alive, or <c>Connection: close</c>
/// with the server's close awaited.
/// </summary>
internal sealed class SoakHttpConnection : IDisposable
{
    private const int MaxResponseSize = 64 * 1024;
    private readonly Socket _socket;
    private byte[] _buffer = new byte[4096];
    private int _end;

    private SoakHttpConnection(Socket socket) => _socket = socket;

    public static async Task<SoakHttpConnection> OpenAsync(WsEndpoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.EndPoint, cancellationToken).ConfigureAwait(false);
            return new SoakHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one GET and returns the body of its response; throws <see cref="InvalidDataException"/> on anything
    /// but a 200. With <paramref name="close"/>, also waits for the server to close.</summary>
    public async Task<string> GetAsync(WsEndpoint endpoint, bool close, CancellationToken cancellationToken)
    {
        var request = Encoding.ASCII.GetBytes($"GET {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.HostHeader}\r\n" +
                                              (close ? "Connection: close\r\n" : "") + "\r\n");
        var sent = 0;
        while (sent < request.Length)
            sent += await _socket.SendAsync(request.AsMemory(sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);

        int headEnd;
        while ((headEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0) await FillAsync("the response head", cancellationToken).ConfigureAwait(false);
        var lines = Encoding.ASCII.GetString(_buffer, 0, headEnd).Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 200", StringComparison.Ordinal)) throw new InvalidDataException($"GET {endpoint.PathAndQuery} answered '{lines[0]}'");
        var lengthText = lines.Skip(1).Select(l => l.Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))?[1].Trim()
            ?? throw new InvalidDataException("response without Content-Length");
        var length = int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture);
        var total = headEnd + 4 + length;
        while (_end < total) await FillAsync("the response body", cancellationToken).ConfigureAwait(false);
        var body = Encoding.UTF8.GetString(_buffer, headEnd + 4, length);
        Buffer.BlockCopy(_buffer, total, _buffer, 0, _end - total);
        _end -= total;
        if (!close) return body;
        if (_end > 0) throw new InvalidDataException("bytes after the last response");
        var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (n != 0) throw new InvalidDataException("bytes after the response to Connection: close");
        return body;
    }

    private async Task FillAsync(string what, CancellationToken cancellationToken)
    {
        if (_end == _buffer.Length)
        {
            if (_end >= MaxResponseSize) throw new InvalidDataException("response over 64 KiB");
            Array.Resize(ref _buffer, _end * 2);
        }
        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new InvalidDataException($"connection closed before {what}");
        _end += n;
    }

    /// <summary>Sends <paramref name="partial"/> (part of a request, or nothing) and resets the connection: a client
    /// that vanishes mid-request.</summary>
    public async Task AbortAfterAsync(ReadOnlyMemory<byte> partial, CancellationToken cancellationToken)
    {
        if (!partial.IsEmpty) await _socket.SendAsync(partial, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _socket.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        _socket.Dispose();
    }

    public void Dispose() => _socket.Dispose();
}
