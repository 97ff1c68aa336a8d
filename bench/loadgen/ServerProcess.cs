using System.Globalization;

namespace LoadGen;

/// <summary>
/// The server under test, watched through /proc (--server-pid): its CPU time (utime + stime, fields 14 and 15 of
/// /proc/PID/stat, in clock ticks of --clk-tck, Linux's USER_HZ = 100) and its resident set (VmRSS, VmHWM of
/// /proc/PID/status). Sampled at the exact edges of the measured phase, which a script outside cannot see.
/// </summary>
internal sealed class ServerProcess(int pid, int clockTicksPerSecond)
{
    public static ServerProcess? From(Arguments args)
    {
        var pid = args.Int("server-pid", 0, 0, int.MaxValue);
        var hz = args.Int("clk-tck", 100, 1, 1_000_000);
        if (pid == 0) return null;
        if (!File.Exists($"/proc/{pid}/stat")) throw new ArgumentException($"--server-pid {pid}: no such process");
        return new ServerProcess(pid, hz);
    }

    /// <summary>CPU time used so far, in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may contain spaces and parentheses: count fields from the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / (double)clockTicksPerSecond;
    }

    /// <summary>A /proc/PID/status size field (VmRSS, VmHWM) in KiB.</summary>
    public long StatusKb(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }
}
