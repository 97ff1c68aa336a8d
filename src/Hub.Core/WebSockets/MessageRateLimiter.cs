using System.Diagnostics;

namespace Hub.WebSockets;

/// <summary>
/// A token bucket for one WebSocket's incoming messages: <c>burst</c> tokens, refilled at <c>rate</c> per second;
/// each message takes one. Used on the connection's stage only (not thread-safe), without allocating.
/// </summary>
internal sealed class MessageRateLimiter(double rate, int burst)
{
    private double _tokens = burst;
    private long _last = Stopwatch.GetTimestamp();

    /// <summary>Takes a token for a message at <paramref name="now"/> (a <see cref="Stopwatch"/> timestamp); false: over the rate.</summary>
    public bool TryTake(long now)
    {
        var elapsed = (now - _last) / (double)Stopwatch.Frequency;
        _last = now;
        _tokens = Math.Min(burst, _tokens + elapsed * rate);
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }
}
