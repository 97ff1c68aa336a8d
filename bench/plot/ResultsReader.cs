using System.Globalization;
using System.Text.Json;

namespace HubBenchPlot;

/// <summary>
/// Turns bench/run.sh's results.json into charts: per scenario, the "summary" entries' median/min/max of its main
/// figure. Scenarios it does not know, and entries without numbers (a server that failed), are left out.
/// </summary>
public static class ResultsReader
{
    /// <summary>What to draw for a scenario: the summary's metric prefix and how an entry names its point.</summary>
    private sealed record Spec(string Title, string YLabel, string Metric, Func<JsonElement, string> Point);

    private static readonly Dictionary<string, Spec> Specs = new(StringComparer.Ordinal)
    {
        ["http"] = new("HTTP keep-alive GET / (wrk)", "requests/s", "rps", e => $"{Int(e, "conns"):N0} connections"),
        ["ws-echo"] = new("WebSocket echo", "round trips/s", "rps", e => $"{Int(e, "conns"):N0} connections"),
        ["ws-broadcast"] = new("WebSocket broadcast", "deliveries/s", "deliveries_per_s", BroadcastPoint),
        ["broadcast-10k"] = new("WebSocket broadcast, 10k subscribers", "deliveries/s", "deliveries_per_s", BroadcastPoint),
        ["idle"] = new("Memory per idle connection (RSS delta / N)", "KiB per connection", "kb_per_conn",
            e => $"{(Str(e, "kind") == "ws" ? "WebSocket" : "HTTP")} × {Int(e, "connections"):N0}"),
    };

    public static IReadOnlyList<ChartData> Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("scenarios", out var scenarios) || scenarios.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException("no \"scenarios\" object");
        var date = root.TryGetProperty("date", out var d) ? d.GetString() : null;
        var charts = new List<ChartData>();
        foreach (var scenario in scenarios.EnumerateObject())
        {
            if (!Specs.TryGetValue(scenario.Name, out var spec)) continue;
            if (!scenario.Value.TryGetProperty("summary", out var summary)) continue;
            var chart = Build(scenario.Name, spec, summary, date);
            if (chart is not null) charts.Add(chart);
        }
        return charts;
    }

    private static ChartData? Build(string name, Spec spec, JsonElement summary, string? date)
    {
        var points = new List<string>();
        var servers = new List<string>();
        var cells = new Dictionary<(string Server, string Point), Measurement>();
        foreach (var entry in summary.EnumerateArray())
        {
            var server = Str(entry, "server");
            var point = spec.Point(entry);
            if (!points.Contains(point)) points.Add(point);
            if (!servers.Contains(server)) servers.Add(server);
            if (Number(entry, spec.Metric + "_median") is { } median)
                cells[(server, point)] = new Measurement(median,
                    Number(entry, spec.Metric + "_min") ?? median, Number(entry, spec.Metric + "_max") ?? median);
        }
        if (cells.Count == 0) return null;
        var values = servers
            .Select(s => (IReadOnlyList<Measurement?>)points
                .Select(p => cells.TryGetValue((s, p), out var m) ? m : (Measurement?)null).ToList())
            .ToList();
        var title = date is null ? spec.Title : $"{spec.Title} — {date}";
        return new ChartData(name, title, spec.YLabel, points, servers, values);
    }

    private static string BroadcastPoint(JsonElement e) =>
        $"{Int(e, "subscribers"):N0} subscribers × {Int(e, "messages"):N0} messages";

    private static string Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "?";

    private static long Int(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static double? Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number
            && double.TryParse(v.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            ? x : null;
}
