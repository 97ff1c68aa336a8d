using System.Runtime.InteropServices;

namespace Hub.Host;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation token, so the host stops gracefully instead of being
/// killed by the runtime's default handler. A second signal while the drain is running is let through: the
/// operator pressed Ctrl+C twice and wants out now.
/// Akka's own hook (akka.coordinated-shutdown.run-by-clr-shutdown-hook) is off in hocon/hub.conf: it handles SIGTERM
/// but not SIGINT, and lets the runtime exit with a signal status instead of 0.
/// </summary>
public sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;

    public TerminationSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Fires on the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (_stop.IsCancellationRequested) return; // second signal: default handling terminates the process
        context.Cancel = true;
        _stop.Cancel();
    }

    // The token source is not disposed: a signal already being dispatched may still call Cancel() on it.
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
