using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// This process's CPU time over a phase, against wall time: near 100 % of one core (the generator runs pinned to one)
/// means the load generator, not the server, set the pace.
/// </summary>
internal sealed class CpuMeter
{
    private TimeSpan _cpu0;
    private long _wall0;

    public static CpuMeter StartNew()
    {
        var meter = new CpuMeter();
        meter.Restart();
        return meter;
    }

    public void Restart()
    {
        _cpu0 = Environment.CpuUsage.TotalTime;
        _wall0 = Stopwatch.GetTimestamp();
    }

    /// <summary>(CPU seconds, percent of one core) since <see cref="Restart"/>.</summary>
    public (double CpuSeconds, double Percent) Read()
    {
        var cpu = (Environment.CpuUsage.TotalTime - _cpu0).TotalSeconds;
        var wall = Stopwatch.GetElapsedTime(_wall0).TotalSeconds;
        return (cpu, wall > 0 ? 100 * cpu / wall : 0);
    }
}
