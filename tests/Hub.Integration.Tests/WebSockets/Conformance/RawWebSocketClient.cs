using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Hub.Integration.Tests.Support;

namespace Hub.Integration.Tests.WebSockets.Conformance;

/// <summary>How a client frame encodes its payload length (RFC 6455 §5.2).</summary>
public enum LengthEncoding
{
    /// <summary>7 bits up to 125, 16 bits up to 65535, else 64 bits: what §5.2 requires of a sender.</summary>
    Minimal,
    /// <summary>Always the 126 marker and a 16-bit length, even for short payloads.</summary>
    Extended16,
    /// <summary>Always the 127 marker and a 64-bit length.</summary>
    Extended64,
}

/// <summary>One frame as the server sent it, already checked against the rules every server frame must follow.</summary>
public sealed record ServerFrame(bool Fin, byte Opcode, byte[] Payload)
{
    public override string ToString() => Opcode switch
    {
        RawWebSocketClient.Op.Close when Payload.Length >= 2 =>
            $"Close {BinaryPrimitives.ReadUInt16BigEndian(Payload)} \"{Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2)}\"",
        RawWebSocketClient.Op.Close => $"Close ({Payload.Length}-byte payload)",
        _ => $"{RawWebSocketClient.Op.Name(Opcode)} fin={Fin} ({Payload.Length} bytes)",
    };
}

/// <summary>
/// A WebSocket client over a raw <see cref="Socket"/> that can break every rule: it sends hand-built frames (any
/// opcode, RSV bits, FIN, masking, length encoding, declared length) split across TCP writes wherever a test wants,
/// and reads the server's frames strictly — each must be unmasked (§5.1), have RSV bits clear (no extension is
/// negotiated), use the minimal length encoding (§5.2), and obey the control-frame rules (§5.5). Every wait is
/// bounded: a missing frame fails the test instead of hanging it.
/// </summary>
public sealed class RawWebSocketClient : IAsyncDisposable
{
    /// <summary>Opcodes (§5.2, §11.8); reserved values are plain bytes in tests.</summary>
    public static class Op
    {
        public const byte Continuation = 0x0;
        public const byte Text = 0x1;
        public const byte Binary = 0x2;
        public const byte Close = 0x8;
        public const byte Ping = 0x9;
        public const byte Pong = 0xA;

        public static bool IsControl(byte opcode) => (opcode & 0x8) != 0;

        public static string Name(byte opcode) => opcode switch
        {
            Continuation => "Continuation",
            Text => "Text",
            Binary => "Binary",
            Close => "Close",
            Ping => "Ping",
            Pong => "Pong",
            _ => $"reserved opcode 0x{opcode:X}",
        };
    }

    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _serverCloseSeen;

    private RawWebSocketClient(Socket socket, RawResponse handshake)
    {
        _socket = socket;
        Handshake = handshake;
    }

    /// <summary>Default bound on every wait for the server.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The server's 101 response.</summary>
    public RawResponse Handshake { get; }

    public Socket Socket => _socket;

    // ---- opening handshake (§4.1, §4.2.2) ----

    /// <summary>Connects to the server on 127.0.0.1, upgrades <paramref name="path"/> and checks the 101.</summary>
    /// <param name="extraHeaders">Added to the upgrade request verbatim, each line ending in CRLF.</param>
    /// <param name="framesWithRequest">Frames sent in the same TCP write as the request, before the 101 arrives.</param>
    public static async Task<RawWebSocketClient> ConnectAsync(TestServer server, string path = "/echo", string extraHeaders = "",
        byte[]? framesWithRequest = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(DefaultTimeout);
            await socket.ConnectAsync(IPAddress.Loopback, server.Port, cts.Token);
            var key = NewKey();
            var request = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                          $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";
            byte[] opening = [.. Encoding.ASCII.GetBytes(request), .. framesWithRequest ?? []];
            await SendAllAsync(socket, opening);

            // Read exactly the head; bytes after it are already frames and must be kept.
            var head = new MemoryStream();
            var leftover = Array.Empty<byte>();
            var chunk = new byte[4096];
            while (true)
            {
                var n = await socket.ReceiveAsync(chunk, SocketFlags.None, cts.Token);
                if (n == 0) throw new IOException($"server closed TCP during the handshake; got: {Encoding.Latin1.GetString(head.ToArray())}");
                head.Write(chunk, 0, n);
                var end = head.ToArray().AsSpan().IndexOf("\r\n\r\n"u8);
                if (end < 0) continue;
                var all = head.ToArray();
                leftover = all[(end + 4)..];
                head = new MemoryStream();
                head.Write(all, 0, end + 4);
                break;
            }
            Assert.True(RawResponse.TryParse(head, headRequest: false, eof: false, out var response), "unparsable handshake response");
            Assert.True(response!.Status == 101, $"expected 101, got {response.StatusLine}");
            Assert.Contains("websocket", response.Header("Upgrade") ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.Contains("upgrade", response.Header("Connection") ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.Equal(AcceptFor(key), response.Header("Sec-WebSocket-Accept"));
            // We offered no extension: the server may not select one (§9.1).
            Assert.Null(response.Header("Sec-WebSocket-Extensions"));

            var client = new RawWebSocketClient(socket, response);
            leftover.CopyTo(client._buffer, 0);
            client._end = leftover.Length;
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A fresh Sec-WebSocket-Key: base64 of 16 random bytes (§4.1).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    /// <summary>The Sec-WebSocket-Accept the server must answer for <paramref name="key"/> (§4.2.2).</summary>
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));

    // ---- building client frames ----

    /// <summary>
    /// A frame as a client would send it (masked by default). <paramref name="declaredLength"/> lets the header claim
    /// more (or less) payload than is attached, e.g. to prove a limit is checked from the header alone.
    /// </summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool mask = true,
        LengthEncoding length = LengthEncoding.Minimal, ulong? declaredLength = null)
    {
        var key = mask ? RandomNumberGenerator.GetBytes(4) : null;
        var header = Header(opcode, declaredLength ?? (ulong)payload.Length, fin, rsv, key, length);
        var frame = new byte[header.Length + payload.Length];
        header.CopyTo(frame, 0);
        payload.CopyTo(frame.AsSpan(header.Length));
        if (key is not null) ApplyMask(frame.AsSpan(header.Length), key);
        return frame;
    }

    public static byte[] Frame(byte opcode, string utf8, bool fin = true, int rsv = 0) =>
        Frame(opcode, Encoding.UTF8.GetBytes(utf8), fin, rsv);

    /// <summary>Just a header: FIN, RSV (0–7), opcode, mask bit and key, and the length in the chosen encoding.</summary>
    public static byte[] Header(byte opcode, ulong payloadLength, bool fin = true, int rsv = 0, byte[]? maskKey = null,
        LengthEncoding length = LengthEncoding.Minimal)
    {
        if (length == LengthEncoding.Minimal)
            length = payloadLength <= 125 ? LengthEncoding.Minimal : payloadLength <= ushort.MaxValue ? LengthEncoding.Extended16 : LengthEncoding.Extended64;
        var lengthBytes = length switch { LengthEncoding.Extended16 => 2, LengthEncoding.Extended64 => 8, _ => 0 };
        var header = new byte[2 + lengthBytes + (maskKey is null ? 0 : 4)];
        header[0] = (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F));
        var maskBit = maskKey is null ? 0 : 0x80;
        switch (length)
        {
            case LengthEncoding.Extended16:
                if (payloadLength > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(payloadLength));
                header[1] = (byte)(maskBit | 126);
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)payloadLength);
                break;
            case LengthEncoding.Extended64:
                header[1] = (byte)(maskBit | 127);
                BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), payloadLength);
                break;
            default:
                header[1] = (byte)(maskBit | (int)payloadLength);
                break;
        }
        maskKey?.CopyTo(header, 2 + lengthBytes);
        return header;
    }

    /// <summary>A Close payload: the code (big-endian) and a UTF-8 reason (§5.5.1).</summary>
    public static byte[] ClosePayload(ushort code, string reason = "") => ClosePayload(code, Encoding.UTF8.GetBytes(reason));

    public static byte[] ClosePayload(ushort code, ReadOnlySpan<byte> reason)
    {
        var payload = new byte[2 + reason.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, code);
        reason.CopyTo(payload.AsSpan(2));
        return payload;
    }

    /// <summary>§5.3: payload byte i is XORed with key byte i mod 4.</summary>
    private static void ApplyMask(Span<byte> data, byte[] key)
    {
        for (var i = 0; i < data.Length; i++) data[i] ^= key[i & 3];
    }

    // ---- sending ----

    /// <summary>Sends bytes in TCP writes of at most <paramref name="writeSize"/> bytes (1 = byte by byte), pausing
    /// <paramref name="pause"/> between writes so that the pieces tend to arrive separately.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, int writeSize = int.MaxValue, TimeSpan pause = default)
    {
        for (var offset = 0; offset < bytes.Length;)
        {
            var n = Math.Min(writeSize, bytes.Length - offset);
            await SendAllAsync(_socket, bytes.Slice(offset, n));
            offset += n;
            if (pause > TimeSpan.Zero && offset < bytes.Length) await Task.Delay(pause);
        }
    }

    /// <summary>Sends bytes as separate TCP writes cut at the given offsets.</summary>
    public async Task SendSplitAsync(byte[] bytes, TimeSpan pause, params int[] splitAt)
    {
        var previous = 0;
        foreach (var cut in splitAt.Append(bytes.Length))
        {
            if (cut > previous) await SendAllAsync(_socket, bytes.AsMemory(previous, cut - previous));
            previous = cut;
            if (pause > TimeSpan.Zero && cut < bytes.Length) await Task.Delay(pause);
        }
    }

    public Task SendFrameAsync(byte opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool mask = true,
        LengthEncoding length = LengthEncoding.Minimal) =>
        SendRawAsync(Frame(opcode, payload, fin, rsv, mask, length));

    public Task SendTextAsync(string text, bool fin = true) => SendFrameAsync(Op.Text, Encoding.UTF8.GetBytes(text), fin);

    public Task SendBinaryAsync(ReadOnlySpan<byte> data, bool fin = true) => SendFrameAsync(Op.Binary, data, fin);

    public Task SendContinuationAsync(string text, bool fin) => SendFrameAsync(Op.Continuation, Encoding.UTF8.GetBytes(text), fin);

    public Task SendPingAsync(ReadOnlySpan<byte> payload) => SendFrameAsync(Op.Ping, payload);

    public Task SendPingAsync(string payload = "") => SendPingAsync(Encoding.UTF8.GetBytes(payload));

    public Task SendPongAsync(ReadOnlySpan<byte> payload) => SendFrameAsync(Op.Pong, payload);

    public Task SendCloseAsync(ushort code, string reason = "") => SendFrameAsync(Op.Close, ClosePayload(code, reason));

    public Task SendEmptyCloseAsync() => SendFrameAsync(Op.Close, []);

    /// <summary>Sends a Close, ignoring a server that has already closed TCP (it may, after failing the connection).</summary>
    public async Task TrySendCloseAsync(ushort code)
    {
        try { await SendCloseAsync(code); }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> bytes)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout * 3);
        for (var sent = 0; sent < bytes.Length;)
            sent += await socket.SendAsync(bytes[sent..], SocketFlags.None, cts.Token);
    }

    // ---- reading server frames ----

    /// <summary>The next frame from the server, checked against §5.1, §5.2 and §5.5.</summary>
    public async Task<ServerFrame> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        await FillAsync(2, cts.Token, "a frame");
        var b0 = _buffer[_start];
        var b1 = _buffer[_start + 1];
        var fin = (b0 & 0x80) != 0;
        var rsv = (b0 >> 4) & 0x7;
        var opcode = (byte)(b0 & 0x0F);
        var len7 = b1 & 0x7F;
        Assert.True((b1 & 0x80) == 0, "a server frame is masked (RFC 6455 §5.1: a server MUST NOT mask)");
        Assert.True(rsv == 0, $"a server frame has RSV bits {rsv} without a negotiated extension (§5.2)");
        Assert.True(opcode is Op.Continuation or Op.Text or Op.Binary or Op.Close or Op.Ping or Op.Pong,
            $"the server sent {Op.Name(opcode)} (§5.2)");

        var headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        await FillAsync(headerLength, cts.Token, "a frame header");
        ulong length = (ulong)len7;
        if (len7 == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
            Assert.True(length >= 126, $"the server encoded a {length}-byte length in 16 bits (§5.2: minimal encoding)");
        }
        else if (len7 == 127)
        {
            length = BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
            Assert.True(length > ushort.MaxValue, $"the server encoded a {length}-byte length in 64 bits (§5.2: minimal encoding)");
            Assert.True(length < int.MaxValue, $"absurd server frame length {length}");
        }
        if (Op.IsControl(opcode))
        {
            Assert.True(fin, $"the server fragmented a {Op.Name(opcode)} frame (§5.5)");
            Assert.True(length <= 125, $"the server sent a {length}-byte {Op.Name(opcode)} frame (§5.5: at most 125)");
        }

        await FillAsync(headerLength + (int)length, cts.Token, $"the payload of a {length}-byte {Op.Name(opcode)} frame");
        var payload = _buffer.AsSpan(_start + headerLength, (int)length).ToArray();
        _start += headerLength + (int)length;
        var frame = new ServerFrame(fin, opcode, payload);
        if (opcode == Op.Close) _serverCloseSeen = true;
        return frame;
    }

    /// <summary>The next frame, or null if the server closes TCP cleanly before sending another one.</summary>
    public async Task<ServerFrame?> TryReadFrameBeforeTcpCloseAsync(TimeSpan timeout)
    {
        if (_end == _start)
        {
            _start = _end = 0;
            using var cts = new CancellationTokenSource(timeout);
            int n;
            try { n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"neither a frame nor the end of TCP within {timeout.TotalSeconds:0.#} s"); }
            catch (SocketException) { return null; }
            if (n == 0) return null;
            _end += n;
        }
        return await ReadFrameAsync(timeout);
    }

    /// <summary>The next message must be text (possibly fragmented); returns it.</summary>
    public async Task<string> ExpectTextAsync(TimeSpan? timeout = null)
    {
        var data = await ExpectMessageAsync(Op.Text, timeout);
        try { return StrictUtf8.GetString(data); }
        catch (DecoderFallbackException) { throw new Xunit.Sdk.XunitException("the server sent a text message that is not UTF-8 (§8.1)"); }
    }

    public async Task ExpectTextAsync(string expected, TimeSpan? timeout = null)
    {
        var text = await ExpectTextAsync(timeout);
        // Large messages: compare without dumping megabytes into the failure message.
        if (expected.Length > 1000) Assert.True(expected == text, $"echoed text differs (expected {expected.Length} chars, got {text.Length})");
        else Assert.Equal(expected, text);
    }

    /// <summary>The next message must be binary (possibly fragmented); returns it.</summary>
    public Task<byte[]> ExpectBinaryAsync(TimeSpan? timeout = null) => ExpectMessageAsync(Op.Binary, timeout);

    public async Task ExpectBinaryAsync(byte[] expected, TimeSpan? timeout = null)
    {
        var data = await ExpectBinaryAsync(timeout);
        if (expected.Length > 1000) Assert.True(expected.AsSpan().SequenceEqual(data), $"echoed binary differs (expected {expected.Length} bytes, got {data.Length})");
        else Assert.Equal(expected, data);
    }

    private async Task<byte[]> ExpectMessageAsync(byte opcode, TimeSpan? timeout)
    {
        var first = await ReadFrameAsync(timeout);
        Assert.True(first.Opcode == opcode, $"expected a {Op.Name(opcode)} message, got {first}");
        if (first.Fin) return first.Payload;
        var message = new MemoryStream();
        message.Write(first.Payload);
        while (true)
        {
            var next = await ReadFrameAsync(timeout);
            Assert.True(next.Opcode == Op.Continuation, $"expected a continuation of the {Op.Name(opcode)} message, got {next}");
            message.Write(next.Payload);
            if (next.Fin) return message.ToArray();
        }
    }

    /// <summary>The next frame must be a pong carrying exactly <paramref name="payload"/> (§5.5.3).</summary>
    public async Task ExpectPongAsync(byte[] expected, TimeSpan? timeout = null)
    {
        var frame = await ReadFrameAsync(timeout);
        Assert.True(frame.Opcode == Op.Pong, $"expected a Pong, got {frame}");
        Assert.Equal(expected, frame.Payload);
    }

    public Task ExpectPongAsync(string payload = "", TimeSpan? timeout = null) => ExpectPongAsync(Encoding.UTF8.GetBytes(payload), timeout);

    /// <summary>
    /// After pings sent back to back: pongs may be coalesced (§5.5.3: only the most recent ping need be answered), so
    /// read pongs, each echoing one of the pings in order, until the last ping's payload is answered.
    /// </summary>
    public async Task ExpectPongsEndingWithAsync(IReadOnlyList<byte[]> pings, TimeSpan? timeout = null)
    {
        var last = -1;
        while (last < pings.Count - 1)
        {
            var frame = await ReadFrameAsync(timeout);
            Assert.True(frame.Opcode == Op.Pong, $"expected a Pong, got {frame}");
            var index = -1;
            for (var i = last + 1; i < pings.Count && index < 0; i++)
                if (pings[i].AsSpan().SequenceEqual(frame.Payload)) index = i;
            Assert.True(index >= 0, $"a Pong ({frame.Payload.Length} bytes) answers none of the outstanding pings, in order");
            last = index;
        }
    }

    /// <summary>The next frame must be a Close with <paramref name="code"/>; returns its reason.</summary>
    public async Task<string> ExpectCloseAsync(ushort code, TimeSpan? timeout = null)
    {
        var (actual, reason) = await ReadCloseAsync(timeout);
        Assert.True(actual == code, $"expected Close {code}, got Close {(actual?.ToString() ?? "without a code")} \"{reason}\"");
        return reason;
    }

    /// <summary>The next frame must be a Close with no payload at all.</summary>
    public async Task ExpectEmptyCloseAsync(TimeSpan? timeout = null)
    {
        var (code, reason) = await ReadCloseAsync(timeout);
        Assert.True(code is null, $"expected a Close without a code, got Close {code} \"{reason}\"");
    }

    /// <summary>Reads the next frame, which must be a well-formed Close (§5.5.1, §7.4): empty, or a code that may
    /// appear on the wire plus a UTF-8 reason.</summary>
    public async Task<(ushort? Code, string Reason)> ReadCloseAsync(TimeSpan? timeout = null)
    {
        var frame = await ReadFrameAsync(timeout);
        Assert.True(frame.Opcode == Op.Close, $"expected a Close, got {frame}");
        if (frame.Payload.Length == 0) return (null, "");
        Assert.True(frame.Payload.Length >= 2, "the server's Close has a 1-byte payload (§5.5.1)");
        var code = BinaryPrimitives.ReadUInt16BigEndian(frame.Payload);
        Assert.True(code is not (1005 or 1006 or 1015), $"the server sent Close {code}, a code that must never be sent (§7.4.1)");
        string reason;
        try { reason = StrictUtf8.GetString(frame.Payload, 2, frame.Payload.Length - 2); }
        catch (DecoderFallbackException) { throw new Xunit.Sdk.XunitException("the server's close reason is not UTF-8 (§5.5.1)"); }
        return (code, reason);
    }

    /// <summary>
    /// The server must close TCP within <paramref name="within"/> (default 5 s) and send nothing more: after its
    /// Close, an endpoint sends no further frames (§5.5.1).
    /// </summary>
    public async Task ExpectTcpClosedAsync(TimeSpan? within = null)
    {
        var bound = within ?? TimeSpan.FromSeconds(5);
        Assert.True(_end == _start, $"{_end - _start} unread bytes from the server before TCP closed");
        using var cts = new CancellationTokenSource(bound);
        var scratch = new byte[4096];
        while (true)
        {
            int n;
            try { n = await _socket.ReceiveAsync(scratch, SocketFlags.None, cts.Token); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"the server did not close TCP within {bound.TotalSeconds:0.#} s"); }
            catch (SocketException) { return; } // a reset is a close too
            if (n == 0) return;
            var what = _serverCloseSeen ? "after its Close" : "instead of closing";
            throw new Xunit.Sdk.XunitException($"the server sent {n} more bytes {what} (first byte 0x{scratch[0]:X2})");
        }
    }

    /// <summary>
    /// The server failed the connection with <paramref name="code"/>: its next frame is that Close; we answer it like
    /// a well-behaved client, and the server closes TCP (§7.1.7).
    /// </summary>
    public async Task ExpectFailureAsync(ushort code)
    {
        await ExpectCloseAsync(code);
        await TrySendCloseAsync(code);
        await ExpectTcpClosedAsync();
    }

    /// <summary>Ends a test that should leave the connection healthy: the closing handshake completes normally.</summary>
    public async Task CloseNormallyAsync()
    {
        await SendCloseAsync(1000, "done");
        await ExpectCloseAsync(1000);
        await ExpectTcpClosedAsync();
    }

    private async Task FillAsync(int needed, CancellationToken ct, string what)
    {
        while (_end - _start < needed)
        {
            if (_buffer.Length - _start < needed)
            {
                // Not enough room after _start: move the data to the front, growing the buffer if needed.
                var target = _buffer.Length >= needed ? _buffer : new byte[Math.Max(needed, _buffer.Length * 2)];
                Buffer.BlockCopy(_buffer, _start, target, 0, _end - _start);
                _end -= _start;
                _start = 0;
                _buffer = target;
            }
            int n;
            try { n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct); }
            catch (OperationCanceledException) { throw new Xunit.Sdk.XunitException($"timed out waiting for {what} from the server"); }
            catch (SocketException e) { throw new Xunit.Sdk.XunitException($"TCP reset ({e.SocketErrorCode}) while waiting for {what}"); }
            if (n == 0) throw new Xunit.Sdk.XunitException($"the server closed TCP while we waited for {what}");
            _end += n;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
