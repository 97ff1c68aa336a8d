using Akka.Actor;
using Hub.Server;
using Hub.WebSockets;
using Xunit.Abstractions;

namespace Hub.Core.Tests.Server;

/// <summary>The batching queue between a room's fan-out and one socket's bridge: one wake-up per undrained burst,
/// order kept, nothing held or accepted once closed.</summary>
public sealed class OutboxQueueTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static WsOutbound.Frame Frame(string text) => new(PreparedFrame.Text(text));

    [Fact]
    public async Task A_burst_wakes_the_bridge_once_and_is_taken_whole_in_order()
    {
        var bridge = CreateTestProbe();
        var queue = new OutboxQueue(bridge.Ref);
        var frames = Enumerable.Range(0, 100).Select(i => Frame("m" + i)).ToList();
        foreach (var f in frames) queue.Post(f);

        Assert.Same(queue, await bridge.ExpectMsgAsync<OutboxQueue>());
        await bridge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(frames, queue.TakeAll());
        Assert.Null(queue.TakeAll());
        Assert.Equal(0, queue.PendingCount);
    }

    [Fact]
    public async Task After_a_take_the_next_post_wakes_the_bridge_again()
    {
        var bridge = CreateTestProbe();
        var queue = new OutboxQueue(bridge.Ref);
        queue.Post(Frame("a"));
        await bridge.ExpectMsgAsync<OutboxQueue>();
        Assert.Single(queue.TakeAll()!);

        var b = Frame("b");
        queue.Post(b);
        await bridge.ExpectMsgAsync<OutboxQueue>();
        Assert.Same(b, Assert.Single(queue.TakeAll()!));
    }

    [Fact]
    public async Task A_closed_queue_drops_what_it_holds_and_everything_posted_later()
    {
        var bridge = CreateTestProbe();
        var queue = new OutboxQueue(bridge.Ref);
        queue.Post(Frame("a"));
        await bridge.ExpectMsgAsync<OutboxQueue>();
        queue.Close();
        Assert.Null(queue.TakeAll());

        queue.Post(Frame("b"));
        Assert.Equal(0, queue.PendingCount);
        await bridge.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Posts_from_several_threads_are_all_delivered_each_thread_in_its_own_order()
    {
        var bridge = CreateTestProbe();
        var queue = new OutboxQueue(bridge.Ref);
        const int threads = 4, perThread = 2_000;
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++) queue.Post(Frame($"{t}:{i}"));
        })));
        var taken = new List<string>();
        while (queue.TakeAll() is { } batch)
            taken.AddRange(batch.Select(f => System.Text.Encoding.UTF8.GetString(f.Prepared.PayloadToArray())));
        Assert.Equal(threads * perThread, taken.Count);
        foreach (var t in Enumerable.Range(0, threads))
            Assert.Equal(Enumerable.Range(0, perThread).Select(i => $"{t}:{i}"), taken.Where(x => x.StartsWith($"{t}:", StringComparison.Ordinal)));
    }
}
