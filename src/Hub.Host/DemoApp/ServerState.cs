using System.Diagnostics;

namespace Hub.Host.DemoApp;

/// <summary>
/// What /health reports about the running server. The routes are built before the server binds, so the binding
/// is handed over afterwards with <see cref="Attach"/>; a request that arrives in between simply waits for it.
/// </summary>
public sealed class ServerState
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TaskCompletionSource<HubBinding> _binding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Time since the host started (monotonic clock).</summary>
    public TimeSpan Uptime => Stopwatch.GetElapsedTime(_started);

    /// <summary>Completes once the server is bound.</summary>
    public Task<HubBinding> Binding => _binding.Task;

    public void Attach(HubBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (!_binding.TrySetResult(binding)) throw new InvalidOperationException("a binding is already attached");
    }
}
