using Hub.Server;

namespace Hub.Core.Tests.Server;

/// <summary>The listener-wide deadline watcher: wakes a connection once its published deadline passes, once per
/// deadline, never for "no deadline", and never after it unregisters.</summary>
public sealed class DeadlineSweepTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(50);

    private static async Task<bool> FiredWithinAsync(SemaphoreSlim fired, TimeSpan wait) => await fired.WaitAsync(wait);

    [Fact]
    public async Task A_passed_deadline_fires_once_until_a_new_one_is_published()
    {
        using var sweep = new DeadlineSweep(Period);
        var fired = new SemaphoreSlim(0);
        var entry = sweep.Register(() => fired.Release());
        entry.Set(Environment.TickCount64 + 100);

        Assert.True(await FiredWithinAsync(fired, TimeSpan.FromSeconds(10)));
        Assert.False(await FiredWithinAsync(fired, TimeSpan.FromMilliseconds(300)));   // claimed: not again

        entry.Set(Environment.TickCount64);   // the connection re-arms
        Assert.True(await FiredWithinAsync(fired, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task No_deadline_and_a_future_deadline_do_not_fire()
    {
        using var sweep = new DeadlineSweep(Period);
        var fired = new SemaphoreSlim(0);
        var idle = sweep.Register(() => fired.Release());
        var later = sweep.Register(() => fired.Release());
        idle.Set(0);
        later.Set(Environment.TickCount64 + 60_000);
        Assert.False(await FiredWithinAsync(fired, TimeSpan.FromMilliseconds(400)));
        Assert.Equal(2, sweep.Count);
    }

    [Fact]
    public async Task An_unregistered_connection_is_not_woken()
    {
        using var sweep = new DeadlineSweep(Period);
        var fired = new SemaphoreSlim(0);
        var entry = sweep.Register(() => fired.Release());
        entry.Set(Environment.TickCount64 + 200);
        entry.Unregister();
        Assert.Equal(0, sweep.Count);
        Assert.False(await FiredWithinAsync(fired, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Only_the_connections_whose_deadline_passed_are_woken()
    {
        using var sweep = new DeadlineSweep(Period);
        var woken = new System.Collections.Concurrent.ConcurrentBag<int>();
        var all = new SemaphoreSlim(0);
        for (var i = 0; i < 1_000; i++)
        {
            var id = i;
            var entry = sweep.Register(() => { woken.Add(id); all.Release(); });
            entry.Set(i % 2 == 0 ? Environment.TickCount64 : 0);   // every other connection is due
        }
        for (var i = 0; i < 500; i++) Assert.True(await all.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(await all.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 2), woken.Order());
    }

    [Theory]
    [InlineData(130_000, 30_000, 1000)]    // the defaults' shortest is 30 s: checked every second
    [InlineData(2_000, 300, 50)]          // short timeouts: never finer than 50 ms
    [InlineData(2_000, -1, 200)]          // an infinite timeout does not count
    public void The_period_is_a_tenth_of_the_shortest_timeout_within_50_ms_and_1_s(int keepAliveMs, int headersMs, int expectedMs)
    {
        static TimeSpan T(int ms) => ms < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(ms);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), DeadlineSweep.PeriodFor(T(keepAliveMs), T(headersMs)));
    }

    [Fact]
    public void Nothing_to_sweep_when_both_timeouts_are_infinite() =>
        Assert.Null(DeadlineSweep.PeriodFor(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
}
