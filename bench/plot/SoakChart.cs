using System.Globalization;
using ScottPlot;

namespace HubBenchPlot;

/// <summary>
/// Line charts of a soak run's samples (bench/run.sh soak → soak-samples.csv): one chart per watched metric (RSS,
/// GC heap, open descriptors, threads) over minutes, with the least-squares line through the samples after the
/// steady-state start that the pass/fail test uses, saved as soak-METRIC.png and .svg.
/// </summary>
public static class SoakChart
{
    private sealed record Metric(string Column, string Name, string Title, string YLabel, double Scale);

    private static readonly Metric[] Metrics =
    [
        new("rss_kb", "soak-rss", "Server RSS", "MiB", 1.0 / 1024),
        new("gc_heap_bytes", "soak-gc-heap", "Server GC heap after the last GC (/health gcHeapBytes)", "MiB", 1.0 / (1024 * 1024)),
        new("fds", "soak-fds", "Server open file descriptors (/proc/PID/fd)", "descriptors", 1),
        new("threads", "soak-threads", "Server threads (/proc/PID/status)", "threads", 1),
    ];

    /// <summary>Writes the charts into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Save(string csvPath, double steadyAfterSeconds, string directory)
    {
        var lines = File.ReadAllLines(csvPath).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) throw new InvalidDataException($"{csvPath}: no samples");
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var seconds = Array.IndexOf(header, "seconds");
        var files = new List<string>();
        foreach (var metric in Metrics)
        {
            var column = Array.IndexOf(header, metric.Column);
            if (column < 0) throw new InvalidDataException($"{csvPath}: no column {metric.Column}");
            var xs = rows.Select(r => r[seconds] / 60).ToArray();
            var ys = rows.Select(r => r[column] * metric.Scale).ToArray();

            var plot = new Plot();
            plot.Font.Set("DejaVu Sans");
            plot.XLabel("minutes");
            plot.YLabel(metric.YLabel);
            var samples = plot.Add.Scatter(xs, ys);
            samples.Color = Color.FromHex("#2563EB");
            samples.MarkerSize = 3;
            samples.LegendText = "samples";

            var steady = Enumerable.Range(0, xs.Length).Where(i => xs[i] * 60 >= steadyAfterSeconds).ToArray();
            var title = metric.Title;
            if (steady.Length >= 3)
            {
                var sx = steady.Select(i => xs[i]).ToArray();
                var sy = steady.Select(i => ys[i]).ToArray();
                var (slope, intercept) = Fit(sx, sy);
                var fit = plot.Add.Line(sx[0], intercept + slope * sx[0], sx[^1], intercept + slope * sx[^1]);
                fit.Color = Color.FromHex("#DC2626");
                fit.LineWidth = 2;
                fit.LegendText = "least squares after the steady-state start";
                var rise = slope * (sx[^1] - sx[0]) / sy.Average() * 100;
                title += string.Create(CultureInfo.InvariantCulture, $" — rise {rise:0.##}% of the mean");
            }
            var start = plot.Add.VerticalLine(steadyAfterSeconds / 60);
            start.Color = Colors.Gray;
            start.LinePattern = LinePattern.Dashed;
            plot.Title(title);
            plot.Axes.Margins(bottom: 0.1, top: 0.1);
            plot.ShowLegend(Alignment.LowerRight);

            var png = Path.Combine(directory, metric.Name + ".png");
            var svg = Path.Combine(directory, metric.Name + ".svg");
            plot.SavePng(png, BarChart.Width, BarChart.Height);
            plot.SaveSvg(svg, BarChart.Width, BarChart.Height);
            files.Add(png);
            files.Add(svg);
        }
        return files;
    }

    /// <summary>Least-squares slope and intercept of y over x.</summary>
    private static (double Slope, double Intercept) Fit(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        var slope = sxx == 0 ? 0 : sxy / sxx;
        return (slope, my - slope * mx);
    }
}
