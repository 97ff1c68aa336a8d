using Akka.Actor;
using Akka.Configuration;
using Hub.Server.Hosting;

namespace Hub.Core.Tests.Server.Hosting;

/// <summary>The FIFO executor runs a dispatcher's actors like the default one: every message handled, in order per sender.</summary>
public sealed class FifoThreadPoolExecutorTests
{
    private sealed class Counter : ReceiveActor
    {
        public Counter()
        {
            var last = -1;
            Receive<int>(n =>
            {
                if (n != last + 1) Sender.Tell(new Status.Failure(new InvalidOperationException($"{n} after {last}")));
                last = n;
                if (n == 999) Sender.Tell(last);
            });
        }
    }

    [Fact]
    public async Task A_system_on_the_fifo_executor_delivers_every_message_in_order_to_many_actors()
    {
        var config = ConfigurationFactory.ParseString($"""
            akka.actor.default-dispatcher.executor = "{typeof(FifoThreadPoolExecutor).FullName}, Hub.Core"
            akka.loglevel = WARNING
            """);
        var system = ActorSystem.Create("fifo-" + Guid.NewGuid().ToString("N")[..8], config);
        try
        {
            var actors = Enumerable.Range(0, 100).Select(_ => system.ActorOf(Props.Create<Counter>())).ToArray();
            var done = actors.Select(a =>
            {
                var probe = Akka.Actor.Inbox.Create(system);
                for (var n = 0; n < 1000; n++) a.Tell(n, probe.Receiver);
                return probe.ReceiveAsync(TimeSpan.FromSeconds(30));
            }).ToArray();
            var results = await Task.WhenAll(done);
            Assert.All(results, r => Assert.Equal(999, r));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}
