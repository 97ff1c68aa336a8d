using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Hub.Http.Codec;

/// <summary>
/// Renders status line, header section and chunk framing into an <see cref="IBufferWriter{T}"/>. Stateless and
/// Akka-free. Responses always say HTTP/1.1, the highest version we implement (RFC 9110 §6.2).
/// </summary>
internal static class Http1ResponseWriter
{
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    public static void WriteHead(IBufferWriter<byte> w, int status, string? reason, HttpHeaders headers,
        ResponseFraming framing, long contentLength, ConnectionMode connection, ReadOnlySpan<byte> serverLine)
    {
        Write(w, "HTTP/1.1 "u8);
        WriteInt(w, status);
        Write(w, " "u8);
        WriteAscii(w, reason ?? ReasonPhrases.For(status));
        Write(w, Crlf);
        Write(w, DateHeader.Line);
        if (!serverLine.IsEmpty) Write(w, serverLine);
        switch (framing)
        {
            case ResponseFraming.ContentLength:
                Write(w, "Content-Length: "u8);
                WriteLong(w, contentLength);
                Write(w, Crlf);
                break;
            case ResponseFraming.Chunked:
                Write(w, "Transfer-Encoding: chunked\r\n"u8);
                break;
        }
        switch (connection)
        {
            case ConnectionMode.Close: Write(w, "Connection: close\r\n"u8); break;
            case ConnectionMode.KeepAlive10: Write(w, "Connection: keep-alive\r\n"u8); break;
            case ConnectionMode.Upgrade: Write(w, "Connection: Upgrade\r\n"u8); break;
        }
        foreach (var (name, value) in headers)
        {
            WriteAscii(w, name);
            Write(w, ": "u8);
            WriteUtf8(w, value);
            Write(w, Crlf);
        }
        Write(w, Crlf);
    }

    /// <summary>The interim "100 Continue" (RFC 9110 §15.2.1).</summary>
    public static void WriteContinue(IBufferWriter<byte> w) => Write(w, "HTTP/1.1 100 Continue\r\n\r\n"u8);

    /// <summary>chunk = chunk-size CRLF chunk-data CRLF; empty data writes nothing (an empty chunk would end the body).</summary>
    public static void WriteChunk(IBufferWriter<byte> w, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        WriteChunkSize(w, data.Length);
        Write(w, data);
        Write(w, Crlf);
    }

    /// <summary>chunk-size CRLF (hex, RFC 9112 §7.1).</summary>
    public static void WriteChunkSize(IBufferWriter<byte> w, int size)
    {
        var span = w.GetSpan(18);
        Utf8Formatter.TryFormat(size, span, out var n, new StandardFormat('X'));
        "\r\n"u8.CopyTo(span[n..]);
        w.Advance(n + 2);
    }

    /// <summary>last-chunk with no trailers.</summary>
    public static void WriteLastChunk(IBufferWriter<byte> w) => Write(w, "0\r\n\r\n"u8);

    public static void Write(IBufferWriter<byte> w, ReadOnlySpan<byte> bytes)
    {
        var span = w.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        w.Advance(bytes.Length);
    }

    private static void WriteInt(IBufferWriter<byte> w, int v)
    {
        var span = w.GetSpan(11);
        Utf8Formatter.TryFormat(v, span, out var n);
        w.Advance(n);
    }

    private static void WriteLong(IBufferWriter<byte> w, long v)
    {
        var span = w.GetSpan(20);
        Utf8Formatter.TryFormat(v, span, out var n);
        w.Advance(n);
    }

    private static void WriteAscii(IBufferWriter<byte> w, string s)
    {
        var span = w.GetSpan(s.Length);
        var n = Encoding.ASCII.GetBytes(s, span);
        w.Advance(n);
    }

    private static void WriteUtf8(IBufferWriter<byte> w, string s)
    {
        var span = w.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        var n = Encoding.UTF8.GetBytes(s, span);
        w.Advance(n);
    }
}

/// <summary>What the response says about the connection.</summary>
internal enum ConnectionMode : byte
{
    /// <summary>HTTP/1.1 default: persistent, no header needed.</summary>
    KeepAlive11,
    /// <summary>HTTP/1.0 client that asked for keep-alive: say so explicitly.</summary>
    KeepAlive10,
    Close,
    Upgrade,
}
