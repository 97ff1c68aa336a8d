using System.Text;
using System.Text.Json;
using Akka.Event;
using Akka.IO;
using Hub.Buffers;
using Hub.Handlers;
using Hub.Http;
using Hub.Http.Codec;

namespace Hub;

public abstract partial class RequestHandler
{
    private int _status;
    private string? _reason;
    private HttpHeaders _headers = new();
    private PooledBufferWriter? _body;
    private bool _finished;
    private bool _headersSent;
    private Task _lastFlush = Task.CompletedTask;
    private ResponseCompressor? _compressor;

    /// <summary>Output queued behind a flush that is still waiting for room; the host awaits it.</summary>
    internal Task PendingOutput => _lastFlush;

    /// <summary>The status that is (or will be) sent.</summary>
    public int Status => _status;

    /// <summary>The reason phrase the status line will carry: the one given to <see cref="SetStatus"/>, or the standard
    /// one (RFC 9110 §15) for <see cref="Status"/> (Tornado's <c>_reason</c>, e.g. for <see cref="WriteError"/>).</summary>
    public string Reason => _reason ?? Http.Codec.ReasonPhrases.For(_status);

    /// <summary>True once <see cref="Finish()"/> has run.</summary>
    public bool IsFinished => _finished;

    /// <summary>True once headers have gone to the client (after the first flush).</summary>
    public bool HeadersSent => _headersSent;

    /// <summary>The response headers set so far.</summary>
    public HttpHeaders ResponseHeaders => _headers;

    /// <summary>Resets status, headers and buffered body to the defaults (Tornado's clear()).</summary>
    public void Clear()
    {
        if (_headersSent) throw new InvalidOperationException("cannot clear a response whose headers were sent");
        ResetResponse();
    }

    private void ResetResponse()
    {
        _status = 200;
        _reason = null;
        _headers = new HttpHeaders();
        _headers.Add("Content-Type", "text/html; charset=UTF-8");
        _body?.Clear();
    }

    public void SetStatus(int status, string? reason = null)
    {
        if (status is < 100 or > 599) throw new ArgumentOutOfRangeException(nameof(status), status, "HTTP status must be 100-599");
        if (reason is not null) CheckHeaderValue(reason);
        _status = status;
        _reason = reason;
    }

    /// <summary>Sets a header, replacing earlier values. CR, LF and NUL are refused (response splitting).</summary>
    public void SetHeader(string name, string value)
    {
        CheckHeaderName(name);
        CheckHeaderValue(value);
        _headers.Set(name, value);
    }

    /// <summary>Adds a header line, keeping earlier ones (e.g. several Set-Cookie).</summary>
    public void AddHeader(string name, string value)
    {
        CheckHeaderName(name);
        CheckHeaderValue(value);
        _headers.Add(name, value);
    }

    public void ClearHeader(string name) => _headers.Remove(name);

    /// <summary>Appends UTF-8 text to the response body.</summary>
    public void Write(string text)
    {
        var body = BodyForWrite();
        var span = body.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        body.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    /// <summary>Appends bytes to the response body.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => BodyForWrite().Write(bytes);

    public void Write(byte[] bytes) => Write(bytes.AsSpan());

    /// <summary>Serialises <paramref name="value"/> with System.Text.Json and sets Content-Type application/json
    /// (Tornado's write(dict)).</summary>
    public void Write(object value) => WriteJson(value);

    /// <summary>Serialises <paramref name="value"/> as JSON into the body; Content-Type becomes application/json.</summary>
    public void WriteJson<T>(T value, JsonSerializerOptions? options = null)
    {
        SetHeader("Content-Type", "application/json; charset=UTF-8");
        using var writer = new Utf8JsonWriter(BodyForWrite());
        JsonSerializer.Serialize(writer, value, value?.GetType() ?? typeof(T), options);
    }

    /// <summary>
    /// Sends the headers (first time) and everything written so far as a chunk. Completes when the connection has
    /// accepted the bytes — a slow client makes this wait, which is the back-pressure for streaming handlers.
    /// Faults with <see cref="ConnectionClosedException"/> when the client is gone.
    /// </summary>
    public Task FlushAsync()
    {
        if (_finished) throw new InvalidOperationException("cannot flush after Finish()");
        var ctx = Context;
        // One flush in flight at a time: later flushes queue behind it, never in the stream's buffers.
        var previous = _lastFlush;
        var flush = previous.IsCompleted ? SendChunk(ctx, isLast: false) : FlushAfter(previous);
        _lastFlush = flush;
        return flush;
    }

    private async Task FlushAfter(Task previous)
    {
        await previous.ConfigureAwait(true);
        if (_finished) return;
        await SendChunk(Context, isLast: false).ConfigureAwait(true);
    }

    /// <summary>Completes the response. Called for you when the verb method returns; further writes throw.</summary>
    public void Finish()
    {
        if (_finished) throw new InvalidOperationException("Finish() called twice");
        _finished = true;
        var ctx = Context;
        if (!_lastFlush.IsCompleted)
        {
            // A flush is still waiting for room: the final element follows it, keeping order.
            _lastFlush = FinishAfter(_lastFlush, ctx, TakeBody());
            return;
        }
        SendFinal(ctx, TakeBody());
    }

    private async Task FinishAfter(Task previous, HandlerContext ctx, ByteString body)
    {
        try { await previous.ConfigureAwait(true); }
        catch (Exception) { /* a failed flush means the connection is gone; SendFinal is then a no-op */ }
        SendFinal(ctx, body);
    }

    /// <summary>Writes <paramref name="text"/> and finishes.</summary>
    public void Finish(string text)
    {
        Write(text);
        Finish();
    }

    /// <summary>Sends a redirect (302, or 301 when permanent; 303/307/308 via <paramref name="status"/>) and finishes.</summary>
    public void Redirect(string url, bool permanent = false, int? status = null)
    {
        if (_headersSent) throw new InvalidOperationException("cannot redirect after headers were sent");
        var code = status ?? (permanent ? 301 : 302);
        if (code is < 300 or > 399) throw new ArgumentOutOfRangeException(nameof(status), "redirect status must be 3xx");
        SetStatus(code);
        SetHeader("Location", url);
        _body?.Clear();
        Finish();
    }

    /// <summary>Replaces the response with an error page (see <see cref="WriteError"/>) and finishes.</summary>
    public void SendError(int status = 500, Exception? exception = null)
    {
        if (_headersSent)
        {
            // Too late for a status: Tornado closes the connection so the client sees a broken response.
            if (!_finished)
            {
                _finished = true;
                Context.AbortResponse();
            }
            return;
        }
        Clear();
        if (exception is HttpError { Reason: { } reason }) SetStatus(status, reason);
        else SetStatus(status);
        if (status == 405) SetHeader("Allow", string.Join(", ", HandlerMethods.Of(GetType()).Allowed));
        try
        {
            WriteError(status, exception);
        }
        catch (Exception e)
        {
            Log.Error(e, "[{0}] WriteError failed", ConnectionId);
            Clear();
            SetStatus(status);
        }
        if (!_finished) Finish();
    }

    // ---- plumbing ----

    private PooledBufferWriter BodyForWrite()
    {
        if (_finished) throw new InvalidOperationException("cannot Write() after Finish()");
        return _body ??= new PooledBufferWriter(1024);
    }

    private ByteString TakeBody()
    {
        if (_body is null || _body.WrittenCount == 0) return ByteString.Empty;
        var bytes = _body.ToByteString();
        _body.Clear();
        return bytes;
    }

    private Task SendChunk(HandlerContext ctx, bool isLast)
    {
        var tcs = ctx.Signals.NewFlush();
        if (tcs is null) return Task.FromException(new ConnectionClosedException());
        var body = TakeBody();
        if (!_headersSent)
        {
            var head = StartResponse(ctx, body, streaming: true, isLast);
            ctx.Send(head, isLast, tcs);
        }
        else
        {
            CountDeclared(body.Count);
            ctx.Send(new HttpOutbound.Chunk(Encode(body, isLast), isLast), isLast, tcs);
        }
        return tcs.Task;
    }

    private void SendFinal(HandlerContext ctx, ByteString body)
    {
        if (ctx.ResponseComplete) return;
        if (!_headersSent) ctx.Send(StartResponse(ctx, body, streaming: false, isLast: true), true, null);
        else
        {
            CountDeclared(body.Count);
            if (_declaredRemaining is > 0 && !ReferenceEquals(ctx.Request.Method, KnownMethods.Head))
            {
                // Fewer bytes than promised: the client would wait for the rest. End the connection instead.
                ctx.Log.Warning("[{0}] response ended {1} bytes short of its Content-Length; closing", ctx.ConnectionId, _declaredRemaining);
                ctx.AbortResponse();
            }
            else ctx.Send(new HttpOutbound.Chunk(Encode(body, true), true), true, null);
        }
        _body?.Dispose();
        _body = null;
    }

    private ByteString Encode(ByteString body, bool isLast) =>
        _compressor is null ? body : _compressor.Compress(body, isLast);

    /// <summary>Decides framing and connection handling once, when headers leave.</summary>
    private HttpOutbound.Head StartResponse(HandlerContext ctx, ByteString body, bool streaming, bool isLast)
    {
        _headersSent = true;
        ctx.HeadersSent = true;
        var request = ctx.Request;
        var isHead = ReferenceEquals(request.Method, KnownMethods.Head);
        if (_headers.HasToken("Connection", "close")) ctx.CloseAfterResponse = true;
        // A streaming handler that knows its length (a file) may declare it: the body then goes out unchunked.
        var declared = streaming ? DeclaredContentLength() : null;
        _headers.Remove("Connection");
        _headers.Remove("Content-Length");
        _headers.Remove("Transfer-Encoding");

        ResponseFraming framing;
        long? contentLength = null;
        if (_status is < 200 or 204 or 304)
        {
            framing = ResponseFraming.NoBody;
            body = ByteString.Empty;
            if (_status == 204) _headers.Remove("Content-Type");
        }
        else
        {
            // A declared length describes the identity body: such a response is not compressed.
            _compressor = declared is null
                ? ResponseCompressor.TryCreate(ctx.Settings.Compression, request, _status, _headers, streaming ? null : body.Count)
                : null;
            if (_compressor is not null) body = _compressor.Compress(body, isLast);
            if (!streaming) framing = ResponseFraming.ContentLength;
            else if (declared is { } length)
            {
                framing = ResponseFraming.ContentLength;
                _declaredRemaining = length;
                contentLength = length;
            }
            else if (request.Head.Version == HttpVersion.Http11) framing = ResponseFraming.Chunked;
            else
            {
                // HTTP/1.0 has no chunked coding: the body ends when the connection does (RFC 9112 §6.3).
                framing = ResponseFraming.CloseDelimited;
                ctx.CloseAfterResponse = true;
            }
        }

        ConnectionMode connection;
        if (ctx.CloseAfterResponse) connection = ConnectionMode.Close;
        else if (request.Head.Version == HttpVersion.Http10) connection = ConnectionMode.KeepAlive10;
        else connection = ConnectionMode.KeepAlive11;

        CountDeclared(body.Count);
        return new HttpOutbound.Head(_status, _reason, _headers, framing, contentLength ?? body.Count, connection,
            suppressBody: isHead, body, isLast);
    }

    private long? _declaredRemaining;

    private long? DeclaredContentLength()
    {
        var value = _headers.Get("Content-Length");
        return value is not null && long.TryParse(value, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Bytes beyond a declared Content-Length would corrupt the next response on the connection.</summary>
    private void CountDeclared(int bytes)
    {
        if (_declaredRemaining is not { } remaining) return;
        if (bytes > remaining) throw new InvalidOperationException($"wrote more than the declared Content-Length ({bytes} > {remaining} remaining)");
        _declaredRemaining = remaining - bytes;
    }

    private static void CheckHeaderName(string name)
    {
        if (!HttpChars.IsToken(name)) throw new ArgumentException($"invalid header name '{name}'", nameof(name));
    }

    private static void CheckHeaderValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
            if (c is '\r' or '\n' or '\0') throw new ArgumentException("header values may not contain CR, LF or NUL", nameof(value));
    }
}
