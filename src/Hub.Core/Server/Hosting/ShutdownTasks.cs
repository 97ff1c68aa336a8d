using Akka;
using Akka.Actor;
using Hub.Server;

namespace Hub.Server.Hosting;

/// <summary>
/// Hooks a binding into CoordinatedShutdown (akka-http's ServerTerminator is the model): service-unbind refuses
/// new connections; service-requests-done lets in-flight requests finish with Connection: close for up to
/// hub.shutdown.drain-timeout; service-stop aborts whatever is still open. Hub never runs CoordinatedShutdown
/// itself, so an application embedding it keeps control of when the system stops.
/// </summary>
internal static class ShutdownTasks
{
    public static void Register(ActorSystem system, HubBinding binding)
    {
        var cs = CoordinatedShutdown.Get(system);
        var name = binding.Listener.Path.Name;
        cs.AddTask(CoordinatedShutdown.PhaseServiceUnbind, $"{name}-unbind", async () =>
        {
            await SafeAsync(binding.StopAcceptingAsync);
            return Done.Instance;
        });
        cs.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, $"{name}-drain", async () =>
        {
            await SafeAsync(() => binding.DrainAsync());
            return Done.Instance;
        });
        cs.AddTask(CoordinatedShutdown.PhaseServiceStop, $"{name}-abort", async () =>
        {
            binding.Listener.Tell(ListenerProtocol.AbortAll.Instance);
            await SafeAsync(binding.UnbindAsync);
            return Done.Instance;
        });
    }

    private static async Task SafeAsync(Func<Task> step)
    {
        try { await step().ConfigureAwait(false); }
        catch (Exception) { /* the listener is already gone: nothing left to stop */ }
    }
}
