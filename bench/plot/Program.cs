using HubBenchPlot;

// Bar charts of one bench/run.sh results.json: one chart per scenario (median per server and point, whiskers from
// min to max), each as PNG and SVG, written next to the JSON (or into --out) and copied into --copy-to (bench/plots/,
// which bench/README.md shows). Exit codes: 0 ok, 1 the JSON has nothing to plot or cannot be read, 2 usage.
//
//   dotnet HubBenchPlot.dll bench/results/<timestamp>/results.json [--out DIR] [--copy-to bench/plots]
//   dotnet HubBenchPlot.dll --soak bench/results/<timestamp>/soak-samples.csv --steady-after SECONDS [--out DIR] [--copy-to DIR]
//       line charts of a soak run's samples (SoakChart)

const string Usage = "usage: HubBenchPlot RESULTS.json [--out DIR] [--copy-to DIR]\n" +
                     "       HubBenchPlot --soak SAMPLES.csv --steady-after SECONDS [--out DIR] [--copy-to DIR]";

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

if (args[0] == "--soak")
{
    if (args.Length < 4 || args[2] != "--steady-after" || !double.TryParse(args[3], System.Globalization.CultureInfo.InvariantCulture, out var steadyAfter))
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
    var soakOut = Path.GetDirectoryName(Path.GetFullPath(args[1]))!;
    string? soakCopy = null;
    for (var i = 4; i + 1 < args.Length; i += 2)
    {
        if (args[i] == "--out") soakOut = args[i + 1];
        else if (args[i] == "--copy-to") soakCopy = args[i + 1];
        else
        {
            Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}");
            return 2;
        }
    }
    Directory.CreateDirectory(soakOut);
    if (soakCopy is not null) Directory.CreateDirectory(soakCopy);
    try
    {
        foreach (var file in SoakChart.Save(args[1], steadyAfter, soakOut))
        {
            Console.WriteLine($"plot: {file}");
            if (soakCopy is not null) File.Copy(file, Path.Combine(soakCopy, Path.GetFileName(file)), overwrite: true);
        }
    }
    catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
    {
        Console.Error.WriteLine($"cannot plot {args[1]}: {e.Message}");
        return 1;
    }
    return 0;
}

var input = args[0];
string? outDir = null, copyTo = null;
for (var i = 1; i < args.Length; i += 2)
{
    if (i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"{args[i]} needs a value\n{Usage}");
        return 2;
    }
    switch (args[i])
    {
        case "--out": outDir = args[i + 1]; break;
        case "--copy-to": copyTo = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}");
            return 2;
    }
}
outDir ??= Path.GetDirectoryName(Path.GetFullPath(input))!;

IReadOnlyList<ChartData> charts;
try
{
    charts = ResultsReader.Read(File.ReadAllText(input));
}
catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
{
    Console.Error.WriteLine($"cannot read {input}: {e.Message}");
    return 1;
}
if (charts.Count == 0)
{
    Console.Error.WriteLine($"{input}: no scenario with results to plot");
    return 1;
}

Directory.CreateDirectory(outDir);
if (copyTo is not null) Directory.CreateDirectory(copyTo);
foreach (var chart in charts)
{
    foreach (var file in BarChart.Save(chart, outDir))
    {
        Console.WriteLine($"plot: {file}");
        if (copyTo is not null) File.Copy(file, Path.Combine(copyTo, Path.GetFileName(file)), overwrite: true);
    }
}
if (copyTo is not null) Console.WriteLine($"plot: copied to {copyTo}");
return 0;
