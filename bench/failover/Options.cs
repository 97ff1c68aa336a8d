using System.Globalization;
using System.Net;

namespace Failover;

/// <summary>The command line: "--name value" pairs (see Program.cs for the list).</summary>
internal sealed record Options(Uri[] Urls, int Victim, int VictimPid, int ClientsPerNode, TimeSpan Interval, TimeSpan Timeout)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        string Get(string name, string? fallback = null) =>
            values.Remove(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
        int Int(string name, string fallback, int min, int max) =>
            int.TryParse(Get(name, fallback), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v : throw new ArgumentException($"--{name} must be an integer from {min} to {max}");

        var urls = Get("urls").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u =>
        {
            // Loopback only: a benchmark must never load a machine on the network.
            if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme != "ws" || !IPAddress.TryParse(uri.Host, out var ip) || !IPAddress.IsLoopback(ip))
                throw new ArgumentException($"--urls takes ws:// URLs on a loopback IP address, got '{u}'");
            return uri;
        }).ToArray();
        if (urls.Length < 2) throw new ArgumentException("--urls needs at least two nodes");
        var options = new Options(
            urls,
            Int("victim", "0", 0, urls.Length - 1),
            Int("victim-pid", null!, 1, int.MaxValue),
            Int("clients", "20", 1, 10_000),
            TimeSpan.FromMilliseconds(Int("interval-ms", "20", 1, 10_000)),
            TimeSpan.FromSeconds(Int("timeout", "60", 1, 3600)));
        if (values.Count > 0) throw new ArgumentException("unknown option(s): " + string.Join(", ", values.Keys.Select(k => "--" + k)));
        return options;
    }
}
