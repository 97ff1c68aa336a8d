using System.Globalization;
using System.Text;

namespace LoadGen;

/// <summary>
/// The one machine-readable line a run ends with: "RESULT key=value ...", numbers in invariant culture, for
/// bench/ws/scenario.sh. Keys are documented in bench/README.md.
/// </summary>
internal sealed class RunReport(string mode)
{
    private readonly StringBuilder _line = new StringBuilder("RESULT mode=").Append(mode);

    public void Add(string key, long value) => _line.Append(' ').Append(key).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>NaN (no samples) is written as "nan".</summary>
    public void Add(string key, double value, string format) => _line.Append(' ').Append(key).Append('=')
        .Append(double.IsNaN(value) ? "nan" : value.ToString(format, CultureInfo.InvariantCulture));

    /// <summary>Adds the whole process's CPU time (start-up and connection set-up included) and writes the line.</summary>
    public void WriteTo(TextWriter log)
    {
        Add("loadgen_total_cpu_s", Environment.CpuUsage.TotalTime.TotalSeconds, "0.00");
        log.WriteLine(_line.ToString());
    }
}
