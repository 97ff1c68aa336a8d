using Hub;
namespace Hub.Server;

/// <summary>
/// State shared, thread-safely, between a connection's stream and the handler code running in its actor. The
/// actor is suspended while a handler awaits, so whatever must reach a busy handler — "the client went away",
/// "your flush was accepted", "the stream is gone" — travels through here, not through the mailbox.
/// </summary>
internal sealed class ConnectionSignals
{
    private readonly CancellationTokenSource _closed = new();
    private readonly List<TaskCompletionSource> _pendingFlushes = new(2);
    private bool _terminated;

    /// <summary>Fires when the client closes its side or the connection ends.</summary>
    public CancellationToken Closed => _closed.Token;

    public bool IsTerminated
    {
        get { lock (_pendingFlushes) return _terminated; }
    }

    /// <summary>A flush completion that the stream promises to settle; null if the stream is already gone.</summary>
    public TaskCompletionSource? NewFlush()
    {
        lock (_pendingFlushes)
        {
            if (_terminated) return null;
            // Continuations must not run on the stream's thread (akka.net#8161).
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _pendingFlushes.Add(tcs);
            return tcs;
        }
    }

    public void FlushAccepted(TaskCompletionSource tcs)
    {
        lock (_pendingFlushes) _pendingFlushes.Remove(tcs);
        tcs.TrySetResult();
    }

    /// <summary>The client half-closed: handlers watching <see cref="Closed"/> stop, writes still go out.</summary>
    public void PeerClosed() => CancelOffThread();

    /// <summary>The stream stopped: no write will ever be accepted again.</summary>
    public void Terminate()
    {
        TaskCompletionSource[] pending;
        lock (_pendingFlushes)
        {
            if (_terminated) return;
            _terminated = true;
            pending = _pendingFlushes.ToArray();
            _pendingFlushes.Clear();
        }
        foreach (var tcs in pending) tcs.TrySetException(new ConnectionClosedException());
        CancelOffThread();
    }

    // Cancellation callbacks are user code: never run them on the stream's thread.
    private void CancelOffThread()
    {
        if (_closed.IsCancellationRequested) return;
        ThreadPool.UnsafeQueueUserWorkItem(static cts =>
        {
            try { cts.Cancel(); }
            catch (ObjectDisposedException) { }
        }, _closed, preferLocal: false);
    }
}
