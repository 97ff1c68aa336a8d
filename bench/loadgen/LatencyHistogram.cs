using System.Numerics;

namespace LoadGen;

/// <summary>
/// Latencies in microseconds, counted in log-linear buckets (HdrHistogram's layout with 64 sub-buckets per power of
/// two: under 1.6 % error, values up to hours) so millions of samples cost a few KiB. Safe to record from any thread.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;        // 64
    private const int Exact = SubBuckets * 2;                 // values below 128 µs have a bucket each
    private readonly long[] _counts = new long[Exact + SubBuckets * 40];
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Record(long microseconds)
    {
        var index = IndexOf(Math.Max(0, microseconds));
        Interlocked.Increment(ref _counts[Math.Min(index, _counts.Length - 1)]);
        Interlocked.Increment(ref _total);
    }

    /// <summary>The value (µs, middle of its bucket) at or below which <paramref name="percentile"/> % of samples lie.</summary>
    public double Percentile(double percentile)
    {
        var total = Count;
        if (total == 0) return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(total * percentile / 100.0));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Middle(i);
        }
        return Middle(_counts.Length - 1);
    }

    private static int IndexOf(long value)
    {
        if (value < Exact) return (int)value;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits;   // ≥ 1
        var mantissa = (int)(value >> shift);                                              // 64..127
        return SubBuckets * shift + mantissa;
    }

    private static double Middle(int index)
    {
        if (index < Exact) return index;
        var shift = index / SubBuckets - 1;
        var mantissa = index - SubBuckets * shift;
        var low = (long)mantissa << shift;
        return low + ((1L << shift) - 1) / 2.0;
    }
}
