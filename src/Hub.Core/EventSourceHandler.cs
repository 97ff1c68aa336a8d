using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Hub.Http.Codec;

namespace Hub;

/// <summary>
/// Base class for Server-Sent Events endpoints (the WHATWG HTML "Server-sent events" section; browsers consume them
/// with <c>new EventSource(url)</c>). Before <see cref="RequestHandler.GetAsync"/> runs, the response headers
/// (<c>Content-Type: text/event-stream</c>, <c>Cache-Control: no-cache</c>) are flushed, so the client sees the
/// stream open at once; each <see cref="SendEventAsync"/> is flushed on its own and completes when the connection
/// has taken it — a slow client slows the sender, it does not grow a queue.
/// <code>
/// public sealed class ChatEvents : EventSourceHandler
/// {
///     public override async Task GetAsync()
///     {
///         await foreach (var m in WithKeepAlive(Rooms.ListenAsync("chat", ConnectionClosed)))
///             await SendEventAsync(m.Text);
///     }
/// }
/// </code>
/// To refuse a request (authentication, unknown topic …) override <see cref="PrepareAsync"/> and throw
/// <see cref="HttpError"/> before calling <c>base.PrepareAsync()</c>: once the headers are out, errors can only
/// cut the stream.
/// </summary>
public abstract class EventSourceHandler : RequestHandler
{
    private const string KeepAliveComment = "keepalive";

    private long _lastOutputMs;
    private Task? _keepAliveTimer;

    /// <summary>
    /// How long the stream may stay silent while <see cref="WithKeepAlive{T}"/> or <see cref="WithKeepAliveAsync{T}"/>
    /// waits, before a comment line is sent so proxies and clients do not drop an idle connection. Default: 15 s
    /// (the WHATWG spec suggests a comment "every 15 seconds or so"). Null or zero disables.
    /// </summary>
    protected virtual TimeSpan? KeepAliveInterval => TimeSpan.FromSeconds(15);

    /// <summary>
    /// The id of the last event the client saw, sent by a reconnecting EventSource as <c>Last-Event-ID</c> (or, for
    /// clients that cannot set headers, the query argument <c>lastEventId</c>); null on a first connection.
    /// </summary>
    public string? LastEventId =>
        Request.Headers.Get("Last-Event-ID")
        ?? (Request.QueryArguments.TryGetValue("lastEventId", out var values) && values.Count > 0 ? values[^1] : null);

    /// <summary>Sets the event-stream headers and sends them. A HEAD request gets the headers and nothing else.</summary>
    public override async Task PrepareAsync()
    {
        SetHeader("Content-Type", "text/event-stream");
        // Intermediaries must not serve a stored copy of a live stream.
        SetHeader("Cache-Control", "no-cache");
        if (Request.Method == KnownMethods.Head)
        {
            Finish();
            return;
        }
        await FlushAsync().ConfigureAwait(true);
        _lastOutputMs = Environment.TickCount64;
    }

    /// <summary>
    /// Sends one event and flushes it. <paramref name="data"/> may span lines (CRLF, CR and LF all count); each line
    /// becomes a <c>data:</c> field, and the client joins them with LF. <paramref name="eventName"/> selects the
    /// client's listener (default "message"), <paramref name="id"/> becomes the client's last event id,
    /// <paramref name="retryMs"/> its reconnection delay. Completes when the connection accepted the bytes.
    /// </summary>
    public Task SendEventAsync(string data, string? eventName = null, string? id = null, int? retryMs = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        // A line break in a field would start a new field: an injection, not a value.
        if (eventName is not null) CheckSingleLine(eventName, nameof(eventName));
        if (id is not null)
        {
            CheckSingleLine(id, nameof(id));
            // The client ignores an id containing NULL; refusing it is clearer than having it silently dropped.
            if (id.Contains('\0')) throw new ArgumentException("an event id may not contain NUL", nameof(id));
        }
        if (retryMs is < 0) throw new ArgumentOutOfRangeException(nameof(retryMs), retryMs, "retry must be a non-negative number of milliseconds");

        var lines = data.AsSpan().Count('\n') + data.AsSpan().Count('\r') + 1;
        var max = Encoding.UTF8.GetMaxByteCount(data.Length) + lines * "data: \n".Length
                  + (eventName is null ? 0 : Encoding.UTF8.GetMaxByteCount(eventName.Length) + "event: \n".Length)
                  + (id is null ? 0 : Encoding.UTF8.GetMaxByteCount(id.Length) + "id: \n".Length)
                  + (retryMs is null ? 0 : "retry: \n".Length + 11)
                  + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = 0;
            if (eventName is not null) n += Field(buffer.AsSpan(n), "event", eventName);
            if (id is not null) n += Field(buffer.AsSpan(n), "id", id);
            if (retryMs is { } retry) n += Field(buffer.AsSpan(n), "retry", retry.ToString(System.Globalization.CultureInfo.InvariantCulture));
            n += Lines(buffer.AsSpan(n), "data", data);
            buffer[n++] = (byte)'\n';
            Write(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return FlushOutput();
    }

    /// <summary>
    /// Sends a comment (a line starting with ':'), which clients ignore: for keep-alives, or padding. Completes when
    /// the connection accepted the bytes.
    /// </summary>
    public Task SendCommentAsync(string text = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.AsSpan().Count('\n') + text.AsSpan().Count('\r') + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length) + lines * ": \n".Length + 1);
        try
        {
            var n = Lines(buffer, "", text);
            buffer[n++] = (byte)'\n';
            Write(buffer.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return FlushOutput();
    }

    /// <summary>
    /// Passes <paramref name="source"/>'s items through, sending a keep-alive comment whenever the stream has been
    /// silent for <see cref="KeepAliveInterval"/> while the next item is awaited. Everything still runs one step at a
    /// time on the handler's turn: the wait races the next item against a timer, it does not write concurrently.
    /// The source is enumerated with a token that is cancelled when the connection closes; if a keep-alive fails,
    /// that token is cancelled and the pending item awaited, so the source must honour it.
    /// </summary>
    protected async IAsyncEnumerable<T> WithKeepAlive<T>(IAsyncEnumerable<T> source,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ConnectionClosed, cancellationToken);
        var items = source.GetAsyncEnumerator(stop.Token);
        Task<bool>? pending = null;
        try
        {
            while (true)
            {
                var move = items.MoveNextAsync();
                bool more;
                if (move.IsCompleted)
                {
                    more = await move.ConfigureAwait(true);
                }
                else
                {
                    pending = move.AsTask();
                    await KeepAliveUntilAsync(pending).ConfigureAwait(true);
                    more = await pending.ConfigureAwait(true);
                    pending = null;
                }
                if (!more) yield break;
                yield return items.Current;
            }
        }
        finally
        {
            // An enumerator may not be disposed while a MoveNextAsync runs: stop it and let it finish first.
            if (pending is { IsCompleted: false })
            {
                await stop.CancelAsync().ConfigureAwait(true);
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            }
            await items.DisposeAsync().ConfigureAwait(true);
        }
    }

    /// <summary>Awaits <paramref name="task"/>, sending keep-alive comments while it runs (see <see cref="WithKeepAlive{T}"/>).</summary>
    protected async Task<T> WithKeepAliveAsync<T>(Task<T> task)
    {
        await KeepAliveUntilAsync(task).ConfigureAwait(true);
        return await task.ConfigureAwait(true);
    }

    /// <summary>Awaits <paramref name="task"/>, sending keep-alive comments while it runs.</summary>
    protected async Task WithKeepAliveAsync(Task task)
    {
        await KeepAliveUntilAsync(task).ConfigureAwait(true);
        await task.ConfigureAwait(true);
    }

    /// <summary>
    /// Waits until <paramref name="task"/> completes, writing a comment each time the stream has been idle for the
    /// interval. One timer serves many waits: it is re-armed only when it fires, so a busy stream costs no timers.
    /// </summary>
    private async Task KeepAliveUntilAsync(Task task)
    {
        if (KeepAliveInterval is not { } interval || interval <= TimeSpan.Zero) return;
        var intervalMs = (long)Math.Ceiling(interval.TotalMilliseconds);
        while (!task.IsCompleted)
        {
            ConnectionClosed.ThrowIfCancellationRequested();
            var dueInMs = intervalMs - (Environment.TickCount64 - _lastOutputMs);
            if (dueInMs <= 0)
            {
                await SendCommentAsync(KeepAliveComment).ConfigureAwait(true);
                continue;
            }
            if (_keepAliveTimer is null || _keepAliveTimer.IsCompleted)
                _keepAliveTimer = Task.Delay(TimeSpan.FromMilliseconds(dueInMs), ConnectionClosed);
            await Task.WhenAny(task, _keepAliveTimer).ConfigureAwait(true);
        }
    }

    private Task FlushOutput()
    {
        _lastOutputMs = Environment.TickCount64;
        return FlushAsync();
    }

    private static void CheckSingleLine(string value, string name)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException($"{name} may not contain CR or LF", name);
    }

    /// <summary>"name: value\n" as UTF-8.</summary>
    private static int Field(Span<byte> destination, string name, string value)
    {
        var n = Encoding.UTF8.GetBytes(name, destination);
        destination[n++] = (byte)':';
        destination[n++] = (byte)' ';
        n += Encoding.UTF8.GetBytes(value, destination[n..]);
        destination[n++] = (byte)'\n';
        return n;
    }

    /// <summary>
    /// One "name: line\n" per line of <paramref name="text"/>, splitting at CRLF, CR or LF — the three line ends the
    /// client's parser recognises — so the stream only ever carries LF.
    /// </summary>
    private static int Lines(Span<byte> destination, string name, string text)
    {
        var n = 0;
        var rest = text.AsSpan();
        while (true)
        {
            var end = rest.IndexOfAny('\r', '\n');
            var line = end < 0 ? rest : rest[..end];
            n += Encoding.UTF8.GetBytes(name, destination[n..]);
            destination[n++] = (byte)':';
            // An empty comment needs no space; a field always gets one, since the parser strips exactly one.
            if (name.Length > 0 || line.Length > 0) destination[n++] = (byte)' ';
            n += Encoding.UTF8.GetBytes(line, destination[n..]);
            destination[n++] = (byte)'\n';
            if (end < 0) return n;
            rest = rest[(end + (rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1))..];
        }
    }
}
