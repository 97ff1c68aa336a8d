namespace Hub.Server;

/// <summary>
/// "This listener is draining", shared by the listener and all its connections. A connection busy in a handler
/// cannot read its mailbox, so the flag is read where the response leaves: the response in progress goes out with
/// Connection: close even though the actor only sees the Drain message afterwards.
/// </summary>
internal sealed class DrainSignal
{
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _draining;

    public bool IsDraining => _draining;

    /// <summary>Fires when the drain starts: long-lived handlers (SSE, long polls) end so the stop need not wait.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Start()
    {
        if (_draining) return;
        _draining = true;
        // Handler callbacks must not run on the listener actor's thread.
        ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _stopping, preferLocal: false);
    }
}
