using Akka.Configuration;
using Akka.Dispatch;

namespace Hub.Server.Hosting;

/// <summary>
/// A dispatcher executor on the .NET thread pool that queues actors' mailbox runs to the pool's global FIFO queue
/// (<c>executor = "Hub.Server.Hosting.FifoThreadPoolExecutor, Hub.Core"</c>). Akka's default executor queues them to the
/// current worker's local queue, which that worker pops last-in first-out: under saturation, the connections
/// scheduled most recently keep running while older ones wait (with 1,000 keep-alive connections on one core,
/// hundreds of requests per 15 s run waited over 2 s; with this executor none did). The price: a 1,000 × 1,000
/// broadcast ran about 7× slower, fan-out losing the local queue's locality — so it is an option for request-heavy
/// hubs, not Hub.Host's default (bench/README.md, hocon/hub.conf).
/// </summary>
public sealed class FifoThreadPoolExecutor(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) => new Service(id);

    private sealed class Service(string id) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);

        public override void Shutdown()
        {
            // The shared thread pool is not ours to stop.
        }
    }
}
