using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LoadGen;

/// <summary>
/// A minimal RFC 6455 client over a raw <see cref="Socket"/> (or TLS over it for wss://, trusting any certificate:
/// the server is our own, on loopback): opening handshake (§4.1), masked frames out (§5.3),
/// unmasked frames in, fragmented messages reassembled, pings answered, Close reported as
/// <see cref="WsClosedException"/>. One reader at a time; sends may come from several tasks (they are serialized).
/// No extensions, no subprotocols.
/// </summary>
internal sealed class WsClient : IDisposable
{
    private const int InitialBufferSize = 8 * 1024;
    private const int MaxHandshakeSize = 8 * 1024;
    /// <summary>Largest message accepted (frames and reassembled messages alike).</summary>
    private const int MaxMessageSize = 16 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Random _maskKeys = new();
    private byte[] _receive = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private byte[] _send = new byte[256];
    private byte[] _message = [];          // reassembly of a fragmented message
    private int _messageLength;
    private WsOpcode? _messageOpcode;      // set while a fragmented message is in progress

    private WsClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>Connects over TCP (Nagle off: every frame goes out at once) and performs the opening handshake.
    /// <paramref name="source"/> binds the client end to another loopback address (127.0.0.2, ...) so more
    /// connections fit than one address has ephemeral ports. <paramref name="subprotocol"/> is offered in
    /// Sec-WebSocket-Protocol (§4.1; e.g. hub.v1, which makes Hub's rooms send a first "joined" frame).</summary>
    public static async Task<WsClient> ConnectAsync(WsEndpoint endpoint, CancellationToken cancellationToken,
        IPAddress? source = null, string? subprotocol = null)
    {
        var socket = new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(endpoint.EndPoint, cancellationToken).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (endpoint.Scheme == "wss")
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken)
                    .ConfigureAwait(false);
                stream = tls;
            }
            var client = new WsClient(socket, stream);
            await client.HandshakeAsync(endpoint, subprotocol, cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task HandshakeAsync(WsEndpoint endpoint, string? subprotocol, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var protocol = subprotocol is null ? "" : $"Sec-WebSocket-Protocol: {subprotocol}\r\n";
        var request = Encoding.ASCII.GetBytes(
            $"GET {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.HostHeader}\r\nUpgrade: websocket\r\n" +
            $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{protocol}\r\n");
        await SendAllAsync(request, cancellationToken).ConfigureAwait(false);

        int headEnd;
        while ((headEnd = _receive.AsSpan(0, _end).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (_end >= MaxHandshakeSize) throw new WsProtocolException("handshake response head over 8 KiB");
            var n = await _stream.ReadAsync(_receive.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (n == 0) throw new WsProtocolException("connection closed during the handshake");
            _end += n;
        }
        var head = Encoding.ASCII.GetString(_receive, 0, headEnd);
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new WsProtocolException($"upgrade refused: {lines[0]}");
        // §4.1: the server proves it read our key: base64(SHA-1(key + GUID)).
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var accept = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        if (accept != expected) throw new WsProtocolException($"bad Sec-WebSocket-Accept '{accept}', expected '{expected}'");
        _start = headEnd + 4;   // frames the server sent right after the 101 stay in the buffer
    }

    // ---- sending ----

    public ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8) => SendFrameAsync(WsOpcode.Text, utf8);

    /// <summary>Frames, masks and sends one message as a single frame. Completes when the socket took every byte.</summary>
    public async ValueTask SendFrameAsync(WsOpcode opcode, ReadOnlyMemory<byte> payload)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var size = ClientFrameWriter.MaxHeaderSize + payload.Length;
            if (_send.Length < size) _send = new byte[Math.Max(size, _send.Length * 2)];
            var length = ClientFrameWriter.Write(_send, opcode, payload.Span, (uint)_maskKeys.Next());
            await SendAllAsync(_send.AsMemory(0, length), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends Close with <paramref name="code"/> (§5.5.1); the server's Close then arrives as a
    /// <see cref="WsClosedException"/> from <see cref="ReceiveAsync"/>.</summary>
    public ValueTask SendCloseAsync(ushort code = 1000)
    {
        var payload = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        return SendFrameAsync(WsOpcode.Close, payload);
    }

    private ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _stream.WriteAsync(bytes, cancellationToken);

    // ---- receiving ----

    /// <summary>The next complete text or binary message. Pings are answered and pongs skipped on the way.</summary>
    public async ValueTask<WsFrame> ReceiveAsync()
    {
        while (true)
        {
            while (TryReadFrame(out var fin, out var opcode, out var payload))
            {
                switch (opcode)
                {
                    case WsOpcode.Ping:
                        // §5.5.3: answer with a Pong carrying the same payload. The payload stays valid: nothing
                        // else reads from this connection meanwhile.
                        await SendFrameAsync(WsOpcode.Pong, payload).ConfigureAwait(false);
                        continue;
                    case WsOpcode.Pong:
                        continue;
                    case WsOpcode.Close:
                        throw Closed(payload.Span);
                    case WsOpcode.Text or WsOpcode.Binary:
                        if (_messageOpcode is not null) throw new WsProtocolException("new data frame inside a fragmented message");
                        if (fin) return new WsFrame(opcode, payload);
                        _messageOpcode = opcode;
                        _messageLength = 0;
                        Append(payload.Span);
                        continue;
                    case WsOpcode.Continuation:
                        if (_messageOpcode is not { } first) throw new WsProtocolException("continuation frame with nothing to continue");
                        Append(payload.Span);
                        if (!fin) continue;
                        _messageOpcode = null;
                        return new WsFrame(first, _message.AsMemory(0, _messageLength));
                    default:
                        throw new WsProtocolException($"reserved opcode 0x{(byte)opcode:X}");
                }
            }
            await FillAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Takes one whole frame out of the buffer, if there is one. Server frames are never masked (§5.1).</summary>
    private bool TryReadFrame(out bool fin, out WsOpcode opcode, out ReadOnlyMemory<byte> payload)
    {
        fin = false;
        opcode = default;
        payload = default;
        var available = _end - _start;
        if (available < 2) return false;
        var b0 = _receive[_start];
        var b1 = _receive[_start + 1];
        if ((b0 & 0x70) != 0) throw new WsProtocolException("RSV bits set without a negotiated extension");
        if ((b1 & 0x80) != 0) throw new WsProtocolException("masked frame from the server");
        long length = b1 & 0x7F;
        var header = 2;
        if (length == 126)
        {
            if (available < 4) return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(_receive.AsSpan(_start + 2));
            header = 4;
        }
        else if (length == 127)
        {
            if (available < 10) return false;
            var wide = BinaryPrimitives.ReadUInt64BigEndian(_receive.AsSpan(_start + 2));
            if (wide > MaxMessageSize) throw new WsProtocolException($"frame of {wide} bytes, over the {MaxMessageSize} limit");
            length = (long)wide;
            header = 10;
        }
        var total = header + (int)length;
        if (available < total)
        {
            // Make sure the whole frame will fit: move it to the front, and grow if needed.
            if (total > _receive.Length - _start) Compact(total);
            return false;
        }
        fin = (b0 & 0x80) != 0;
        opcode = (WsOpcode)(b0 & 0x0F);
        payload = _receive.AsMemory(_start + header, (int)length);
        _start += total;
        return true;
    }

    private void Compact(int needed)
    {
        var pending = _end - _start;
        var target = _receive.Length >= needed ? _receive : new byte[Math.Max(needed, _receive.Length * 2)];
        Buffer.BlockCopy(_receive, _start, target, 0, pending);
        _receive = target;
        _start = 0;
        _end = pending;
    }

    private async ValueTask FillAsync()
    {
        if (_start == _end) _start = _end = 0;
        // A full buffer always starts with an incomplete frame (TryReadFrame made room for it), so moving it to the
        // front frees space; should it already be at the front, grow, or the read below would have no room.
        else if (_end == _receive.Length) Compact(_start == 0 ? _receive.Length * 2 : _receive.Length);
        var n = await _stream.ReadAsync(_receive.AsMemory(_end)).ConfigureAwait(false);
        if (n == 0) throw new WsClosedException(1006, "TCP closed without a Close frame");
        _end += n;
    }

    private void Append(ReadOnlySpan<byte> fragment)
    {
        if (_messageLength + fragment.Length > MaxMessageSize) throw new WsProtocolException("message over the 16 MiB limit");
        if (_message.Length < _messageLength + fragment.Length)
            Array.Resize(ref _message, Math.Max(_messageLength + fragment.Length, _message.Length * 2));
        fragment.CopyTo(_message.AsSpan(_messageLength));
        _messageLength += fragment.Length;
    }

    private static WsClosedException Closed(ReadOnlySpan<byte> payload) => payload.Length >= 2
        ? new WsClosedException(BinaryPrimitives.ReadUInt16BigEndian(payload), Encoding.UTF8.GetString(payload[2..]))
        : new WsClosedException(1005, "");

    /// <summary>
    /// Closing handshake (§7.1.2) within <paramref name="timeout"/>: sends Close, reads until the server's Close or the
    /// end of TCP, then closes the socket. Only call when no other task is receiving.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await using (deadline.Token.Register(() => _socket.Dispose()).ConfigureAwait(false))
        {
            try
            {
                await SendCloseAsync().ConfigureAwait(false);
                while (true) await ReceiveAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is WsClosedException or WsProtocolException or SocketException or ObjectDisposedException)
            {
                // The server answered (or the deadline passed): either way the socket is done.
            }
        }
        Dispose();
    }

    /// <summary>Resets the connection (RST: SO_LINGER 0) without a Close frame: a client that vanishes.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Dispose();
    }

    /// <summary>Closes the socket at once; a pending receive then fails.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
