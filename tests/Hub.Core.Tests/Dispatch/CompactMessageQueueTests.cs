using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Hub.Configuration;
using Hub.Core.Tests.TestKit;
using Hub.Dispatch;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Dispatch;

/// <summary>The connection actors' mailbox queue: FIFO across growth and wrap-around, unstashed messages first,
/// every message of concurrent senders delivered once, nothing kept alive after draining, and Hub's connection
/// dispatcher actually handing it to actors (stashing ones included).</summary>
public sealed class CompactMessageQueueTests(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(HubTestConfig.Default.WithFallback(HubSettings.DefaultConfig()), output: output)
{
    private static Envelope E(object message) => new(message, ActorRefs.NoSender);

    private static List<object> Drain(IMessageQueue queue)
    {
        var all = new List<object>();
        while (queue.TryDequeue(out var e)) all.Add(e.Message);
        return all;
    }

    [Fact]
    public void Empty_queue_has_nothing()
    {
        var q = new CompactMessageQueue();
        Assert.False(q.HasMessages);
        Assert.Equal(0, q.Count);
        Assert.False(q.TryDequeue(out _));
    }

    [Fact]
    public void Messages_come_out_in_order_across_growth_and_wrap_around()
    {
        var q = new CompactMessageQueue();
        var expected = new List<object>();
        var next = 0;
        // Interleave so the ring's head moves before it grows: every growth copies a wrapped buffer.
        for (var round = 0; round < 50; round++)
        {
            for (var i = 0; i < round % 7 + 3; i++) q.Enqueue(ActorRefs.Nobody, E(next++));
            Assert.True(q.TryDequeue(out var e));
            expected.Add(e.Message);
        }
        Assert.Equal(next - expected.Count, q.Count);
        expected.AddRange(Drain(q));
        Assert.Equal(Enumerable.Range(0, next).Cast<object>(), expected);
        Assert.False(q.HasMessages);
    }

    [Fact]
    public void Unstashed_messages_come_first_newest_first_like_akkas_deque()
    {
        var q = new CompactMessageQueue();
        q.Enqueue(ActorRefs.Nobody, E("queued"));
        // UnstashAll puts the stash back in reverse, so the oldest stashed message ends up first.
        q.EnqueueFirst(E("stashed-2"));
        q.EnqueueFirst(E("stashed-1"));
        Assert.Equal(3, q.Count);
        Assert.Equal(["stashed-1", "stashed-2", "queued"], Drain(q));
    }

    [Fact]
    public async Task Concurrent_senders_each_keep_their_order_and_nothing_is_lost()
    {
        var q = new CompactMessageQueue();
        const int senders = 4, each = 5_000;
        var received = new List<(int Sender, int Seq)>();
        using var done = new CancellationTokenSource();
        var consumer = Task.Run(() =>
        {
            while (received.Count < senders * each && !done.IsCancellationRequested)
                if (q.TryDequeue(out var e)) received.Add(((int, int))e.Message);
        });
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < each; i++) q.Enqueue(ActorRefs.Nobody, E((s, i)));
        })));
        done.CancelAfter(TimeSpan.FromSeconds(30));
        await consumer;
        Assert.Equal(senders * each, received.Count);
        foreach (var s in Enumerable.Range(0, senders))
            Assert.Equal(Enumerable.Range(0, each), received.Where(r => r.Sender == s).Select(r => r.Seq));
    }

    [Fact]
    public void Clean_up_hands_what_is_left_to_dead_letters()
    {
        var q = new CompactMessageQueue();
        q.Enqueue(ActorRefs.Nobody, E("a"));
        q.EnqueueFirst(E("b"));
        var dead = new UnboundedMessageQueue();
        q.CleanUp(ActorRefs.Nobody, dead);
        Assert.Equal(["b", "a"], Drain(dead));
        Assert.False(q.HasMessages);
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    private sealed class Stasher : ReceiveActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        public Stasher()
        {
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => ReceiveAny(m => Sender.Tell(m)));
                Stash.UnstashAll();
            });
            ReceiveAny(_ => Stash.Stash());
        }
    }

    [Fact]
    public async Task Actors_on_the_connection_dispatcher_get_the_compact_queue_stashing_ones_too()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo()).WithDispatcher(ConnectionDispatcher.Id));
        echo.Tell("ping");
        await ExpectMsgAsync("ping");
        Assert.IsType<CompactMessageQueue>(((ActorCell)((ActorRefWithCell)echo).Underlying).Mailbox!.MessageQueue);

        var stasher = Sys.ActorOf(Props.Create(() => new Stasher()).WithDispatcher(ConnectionDispatcher.Id));
        stasher.Tell(1);
        stasher.Tell(2);
        stasher.Tell("open");
        stasher.Tell(3);
        await ExpectMsgAsync(1);
        await ExpectMsgAsync(2);
        await ExpectMsgAsync(3);
        Assert.IsType<CompactMessageQueue>(((ActorCell)((ActorRefWithCell)stasher).Underlying).Mailbox!.MessageQueue);
    }
}
