using System.Collections.Concurrent;

namespace Hub.Server;

/// <summary>
/// One timer for the deadlines of every connection of a listener (keep-alive and request-head timeouts), instead of a
/// repeating scheduler entry per connection: each period it reads every registered connection's earliest deadline and
/// wakes only the connections whose deadline has passed. An idle keep-alive connection then costs no message and no
/// scheduler entry per tick — at 19,000 idle connections the per-connection 1 s tick was 19,000 messages a second.
/// The stage publishes its deadline (a plain field write) and handles the wake-up in its own logic, where it re-checks
/// its state: a deadline moved after the sweep read it is simply re-published.
/// </summary>
internal sealed class DeadlineSweep : IDisposable
{
    private readonly ConcurrentDictionary<Entry, byte> _entries = new();
    private readonly Timer _timer;

    /// <param name="period">How late a deadline may be noticed at most.</param>
    public DeadlineSweep(TimeSpan period)
    {
        _timer = new Timer(static state => ((DeadlineSweep)state!).Sweep(), this, period, period);
    }

    /// <summary>Registered connections (for tests and diagnostics).</summary>
    public int Count => _entries.Count;

    /// <summary>The sweep period for these timeouts: a tenth of the shortest, between 50 ms and 1 s (a timeout fires at
    /// most about 10 % late); null when both are infinite (nothing to sweep).</summary>
    public static TimeSpan? PeriodFor(TimeSpan keepAliveTimeout, TimeSpan requestHeadersTimeout)
    {
        var shortest = keepAliveTimeout == Timeout.InfiniteTimeSpan ? requestHeadersTimeout
            : requestHeadersTimeout == Timeout.InfiniteTimeSpan ? keepAliveTimeout
            : keepAliveTimeout < requestHeadersTimeout ? keepAliveTimeout : requestHeadersTimeout;
        if (shortest == Timeout.InfiniteTimeSpan) return null;
        return TimeSpan.FromMilliseconds(Math.Clamp(shortest.TotalMilliseconds / 10, 50, 1000));
    }

    /// <summary>Registers a connection; <paramref name="expired"/> is called (on a pool thread) once its published
    /// deadline has passed, and not again until it publishes a new one.</summary>
    public Entry Register(Action expired)
    {
        var entry = new Entry(this, expired);
        _entries.TryAdd(entry, 0);
        return entry;
    }

    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (entry, _) in _entries)
        {
            var deadline = Volatile.Read(ref entry.Deadline);
            // Claimed before the call, so a deadline fires once however long its connection takes to react.
            if (deadline != 0 && now >= deadline && Interlocked.CompareExchange(ref entry.Deadline, 0, deadline) == deadline)
                entry.Expired();
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>One connection's registration: its earliest deadline (<see cref="Environment.TickCount64"/> ms, 0 for
    /// none) and what to call when it passes.</summary>
    public sealed class Entry
    {
        private readonly DeadlineSweep _owner;
        internal long Deadline;
        internal readonly Action Expired;

        internal Entry(DeadlineSweep owner, Action expired)
        {
            _owner = owner;
            Expired = expired;
        }

        /// <summary>The connection's earliest deadline now; 0 when it has none.</summary>
        public void Set(long deadline) => Volatile.Write(ref Deadline, deadline);

        public void Unregister() => _owner._entries.TryRemove(this, out _);
    }
}
