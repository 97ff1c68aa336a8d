using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadGen;

/// <summary>
/// A plain HTTP/1.1 keep-alive connection for the idle mode: sends one <c>GET</c>, reads the whole response
/// (head + Content-Length body; RFC 9112 §6.3), then stays open with nothing in flight — what a browser's pooled
/// connection looks like to a server between requests.
/// </summary>
internal sealed class KeepAliveHttpConnection : IDisposable
{
    private const int MaxResponseSize = 64 * 1024;
    private readonly Socket _socket;

    private KeepAliveHttpConnection(Socket socket) => _socket = socket;

    public static async Task<KeepAliveHttpConnection> OpenAsync(WsEndpoint endpoint, CancellationToken cancellationToken,
        IPAddress? source = null)
    {
        var socket = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(endpoint.EndPoint, cancellationToken).ConfigureAwait(false);
            var request = Encoding.ASCII.GetBytes($"GET {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.HostHeader}\r\n\r\n");
            var sent = 0;
            while (sent < request.Length)
                sent += await socket.SendAsync(request.AsMemory(sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            await ReadResponseAsync(socket, cancellationToken).ConfigureAwait(false);
            return new KeepAliveHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task ReadResponseAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var end = 0;
        int headEnd;
        while ((headEnd = buffer.AsSpan(0, end).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (end == buffer.Length)
            {
                if (end >= MaxResponseSize) throw new InvalidDataException("response head over 64 KiB");
                Array.Resize(ref buffer, end * 2);
            }
            var n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new InvalidDataException("connection closed before the response head");
            end += n;
        }
        var lines = Encoding.ASCII.GetString(buffer, 0, headEnd).Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 200", StringComparison.Ordinal)) throw new InvalidDataException($"GET answered '{lines[0]}'");
        // The servers under test answer `GET /` with a Content-Length body; chunked or close-delimited bodies would not
        // leave an idle keep-alive connection, so they are refused rather than guessed at.
        var lengthText = lines.Skip(1).Select(l => l.Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))?[1].Trim()
            ?? throw new InvalidDataException("response without Content-Length");
        var length = int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture);
        var remaining = headEnd + 4 + length - end;
        while (remaining > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new InvalidDataException("connection closed inside the response body");
            remaining -= n;
        }
        if (remaining < 0) throw new InvalidDataException("bytes after the response: nothing else was asked for");
    }

    /// <summary>Completes when the server closes the connection (or sends anything, which it should not).</summary>
    public async Task WaitForServerAsync()
    {
        var one = new byte[1];
        var n = await _socket.ReceiveAsync(one, SocketFlags.None).ConfigureAwait(false);
        if (n > 0) throw new InvalidDataException("unsolicited bytes on an idle keep-alive connection");
        throw new IOException("the server closed the idle keep-alive connection");
    }

    public void Dispose() => _socket.Dispose();
}
