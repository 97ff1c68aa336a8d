namespace Hub.Server;

/// <summary>
/// "This listener is draining", shared by the listener and all its connections. A connection busy in a handler
/// cannot read its mailbox, so the flag is read where the response leaves: the response in progress goes out with
/// Connection: close even though the actor only sees the Drain message afterwards.
/// </summary>
internal sealed class DrainSignal
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void Start() => _draining = true;
}
