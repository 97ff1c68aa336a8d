using System.Globalization;
using ScottPlot;

namespace HubBenchPlot;

/// <summary>
/// Draws a <see cref="ChartData"/> as grouped bars with ScottPlot (SkiaSharp underneath): one group per point, one bar
/// per server with its median printed on top and a whisker from min to max, and saves it as PNG and SVG.
/// </summary>
public static class BarChart
{
    public const int Width = 960;
    public const int Height = 540;

    /// <summary>Fraction of a group's width the bars take; the rest separates groups.</summary>
    private const double GroupFill = 0.8;

    /// <summary>Fixed colours per server, so a server keeps its colour across charts and runs.</summary>
    private static readonly Dictionary<string, Color> ServerColors = new(StringComparer.Ordinal)
    {
        ["hub"] = Color.FromHex("#2563EB"),
        ["kestrel"] = Color.FromHex("#7C3AED"),
        ["node"] = Color.FromHex("#16A34A"),
        ["tornado"] = Color.FromHex("#EA580C"),
    };

    private static readonly Color[] Fallback = [Color.FromHex("#64748B"), Color.FromHex("#DB2777"), Color.FromHex("#CA8A04")];

    /// <summary>Writes <c>NAME.png</c> and <c>NAME.svg</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Save(ChartData chart, string directory)
    {
        var plot = Draw(chart);
        var png = Path.Combine(directory, chart.Name + ".png");
        var svg = Path.Combine(directory, chart.Name + ".svg");
        plot.SavePng(png, Width, Height);
        plot.SaveSvg(svg, Width, Height);
        return [png, svg];
    }

    public static Plot Draw(ChartData chart)
    {
        var plot = new Plot();
        // DejaVu Sans ships with Debian's fonts; ScottPlot falls back to its default font where it is missing.
        plot.Font.Set("DejaVu Sans");
        plot.Title(chart.Title);
        plot.YLabel(chart.YLabel);

        var servers = chart.Servers.Count;
        var barWidth = GroupFill / servers;
        var bars = new List<Bar>();
        List<double> xs = [], ys = [], below = [], above = [];
        var legend = new List<LegendItem>();
        for (var s = 0; s < servers; s++)
        {
            var color = ColorOf(chart.Servers[s], s);
            legend.Add(new LegendItem { LabelText = chart.Servers[s], FillColor = color });
            for (var p = 0; p < chart.Points.Count; p++)
            {
                if (chart.Values[s][p] is not { } m) continue;
                var x = p + (s - (servers - 1) / 2.0) * barWidth;
                bars.Add(new Bar
                {
                    Position = x,
                    Value = m.Median,
                    Size = barWidth * 0.9,
                    FillColor = color,
                    LineWidth = 0,
                    Label = Format(m.Median),
                });
                xs.Add(x);
                ys.Add(m.Median);
                below.Add(Math.Max(0, m.Median - m.Min));
                above.Add(Math.Max(0, m.Max - m.Median));
            }
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        barPlot.ValueLabelStyle.FontName = "DejaVu Sans";
        // Whiskers: min to max of the runs (a single run has none).
        var whiskers = plot.Add.ErrorBar(xs, ys, new double[xs.Count]);
        whiskers.YErrorNegative = below;
        whiskers.YErrorPositive = above;
        whiskers.Color = Colors.Black.WithAlpha(0.6);
        whiskers.CapSize = 4;

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var p = 0; p < chart.Points.Count; p++) ticks.AddMajor(p, chart.Points[p]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Format };
        plot.HideGrid();
        plot.Grid.YAxisStyle.IsVisible = true;
        // Bars start at zero; room above the tallest bar for its label.
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Legend.ManualItems.AddRange(legend);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Color ColorOf(string server, int index) =>
        ServerColors.TryGetValue(server, out var c) ? c : Fallback[index % Fallback.Length];

    /// <summary>1234567 → "1.23M", 66546 → "66.5k", 37.45 → "37.5".</summary>
    public static string Format(double value) => Math.Abs(value) switch
    {
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0.#", CultureInfo.InvariantCulture),
    };
}
