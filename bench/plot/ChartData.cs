namespace HubBenchPlot;

/// <summary>One measured value: the median of the runs, with their min and max.</summary>
public readonly record struct Measurement(double Median, double Min, double Max);

/// <summary>
/// One chart: a group of bars per point (connection count, broadcast size, idle kind and N), one bar per server in
/// the run's order, so the first (Hub) always stands left of its peers.
/// </summary>
/// <param name="Name">File name stem, e.g. "ws-echo".</param>
/// <param name="Title">Chart title.</param>
/// <param name="YLabel">What the bars measure, with unit.</param>
/// <param name="Points">Group labels, left to right.</param>
/// <param name="Servers">Bar series, in the run's order.</param>
/// <param name="Values">Values[server][point]; null where a server has no value for that point.</param>
public sealed record ChartData(
    string Name,
    string Title,
    string YLabel,
    IReadOnlyList<string> Points,
    IReadOnlyList<string> Servers,
    IReadOnlyList<IReadOnlyList<Measurement?>> Values);
