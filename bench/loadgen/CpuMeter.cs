using System.Diagnostics;

namespace LoadGen;

/// <summary>
/// CPU time over the measured phase, against wall time: this process's own (near 100 % of one core — it runs pinned
/// to one — means the load generator, not the server, set the pace) and, when known, the server's.
/// </summary>
internal sealed class CpuMeter
{
    private readonly ServerProcess? _server;
    private readonly TimeSpan _own0;
    private readonly double _server0;
    private readonly long _wall0;

    private CpuMeter(ServerProcess? server)
    {
        _server = server;
        _own0 = Environment.CpuUsage.TotalTime;
        _server0 = server?.CpuSeconds() ?? 0;
        _wall0 = Stopwatch.GetTimestamp();
    }

    public static CpuMeter StartNew(ServerProcess? server) => new(server);

    /// <summary>Reads both clocks now; the server's resident set too, while every connection is still open.</summary>
    public void Stop(RunReport report, TextWriter log)
    {
        var wall = Stopwatch.GetElapsedTime(_wall0).TotalSeconds;
        var own = (Environment.CpuUsage.TotalTime - _own0).TotalSeconds;
        report.Add("loadgen_cpu_s", own, "0.00");
        report.Add("loadgen_cpu_pct", Percent(own, wall), "0.0");
        log.WriteLine($"load generator CPU: {own:0.00} s = {Percent(own, wall):0.0} % of one core");
        if (_server is null) return;
        var server = _server.CpuSeconds() - _server0;
        var rss = _server.StatusKb("VmRSS");
        report.Add("server_cpu_pct", Percent(server, wall), "0.0");
        report.Add("server_rss_kb", rss);
        report.Add("server_rss_peak_kb", _server.StatusKb("VmHWM"));
        log.WriteLine($"server CPU: {server:0.00} s = {Percent(server, wall):0.0} % of one core; RSS {rss / 1024.0:0.0} MiB");
    }

    private static double Percent(double cpu, double wall) => wall > 0 ? 100 * cpu / wall : 0;
}
