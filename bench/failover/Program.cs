using System.Diagnostics;
using System.Globalization;
using Failover;

// Fail-over time of a Hub.Host cluster (bench/cluster/scenario.sh): --clients hub.v1 WebSockets on /chat of every
// node, a publisher on a node that stays up sending every --interval-ms, then SIGKILL of the --victim node (its PID
// --victim-pid: a process the calling script started). Measures, from the kill, how long until every client receives
// a message published after it: the dead node's clients after reconnecting to a survivor with ?since=, and the
// survivors' own clients (who wait only if the dead node owned the room). Loopback only; bounded by --timeout.
// The last line is "RESULT key=value ..."; exit 0 when every client receives again without a silent gap.
//
//   Failover --urls ws://127.0.0.1:P0/chat,ws://127.0.0.1:P1/chat,ws://127.0.0.1:P2/chat --victim-pid PID
//            [--victim 0] [--clients 20] [--interval-ms 20] [--timeout 60]

Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("usage: Failover --urls URL0,URL1,... --victim-pid PID [--victim 0] [--clients 20] [--interval-ms 20] [--timeout 60]");
    return 2;
}

var survivors = Enumerable.Range(0, options.Urls.Length).Where(n => n != options.Victim).ToArray();
var clients = Enumerable.Range(0, options.Urls.Length)
    .SelectMany(n => Enumerable.Range(0, options.ClientsPerNode).Select(i =>
        new FailoverClient(n, options.Urls[n], options.Urls[survivors[i % survivors.Length]])))
    .ToArray();
using var stop = new CancellationTokenSource();
var running = clients.Select(c => Task.Run(() => c.RunAsync(stop.Token))).ToArray();
await using var publisher = new Publisher(options.Urls[survivors[0]], options.Interval);
var code = 1;
try
{
    await publisher.StartAsync();
    // Everyone receiving before the kill: otherwise the measurement would include the first join.
    var deadline = Stopwatch.GetTimestamp() + (long)(30 * Stopwatch.Frequency);
    while (clients.Any(c => Interlocked.Read(ref c.Received) < 3))
    {
        publisher.ThrowIfFailed();
        if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"{clients.Count(c => c.Received < 3)} clients receive nothing before the kill");
        await Task.Delay(50);
    }

    Process.GetProcessById(options.VictimPid).Kill();
    var killedAt = Stopwatch.GetTimestamp();
    foreach (var c in clients) Volatile.Write(ref c.KilledAt, killedAt);
    Console.WriteLine($"killed node {options.Victim} (pid {options.VictimPid}); {clients.Length} clients, publisher on node {survivors[0]}");

    deadline = killedAt + (long)(options.Timeout.TotalSeconds * Stopwatch.Frequency);
    while (clients.Any(c => Volatile.Read(ref c.RecoveredAt) == 0) && Stopwatch.GetTimestamp() < deadline)
    {
        publisher.ThrowIfFailed();
        await Task.Delay(50);
    }
    await stop.CancelAsync();
    await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(15));

    double Seconds(long at) => (at - killedAt) / (double)Stopwatch.Frequency;
    double Max(IEnumerable<double> v) => v.DefaultIfEmpty(double.NaN).Max();
    double Median(IEnumerable<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
    var dead = clients.Where(c => c.Node == options.Victim).ToArray();
    var alive = clients.Where(c => c.Node != options.Victim).ToArray();
    var waiting = clients.Count(c => c.RecoveredAt == 0);
    var deadTimes = dead.Where(c => c.RecoveredAt != 0).Select(c => Seconds(c.RecoveredAt)).ToArray();
    var aliveTimes = alive.Where(c => c.RecoveredAt != 0).Select(c => Seconds(c.RecoveredAt)).ToArray();
    var gaps = clients.Sum(c => c.SilentGaps);
    var ownerKilled = alive.Any(c => c.ResetAfterKill);

    string F(double v) => double.IsNaN(v) ? "nan" : v.ToString("0.000", CultureInfo.InvariantCulture);
    Console.WriteLine($"dead node's {dead.Length} clients receiving again after {F(Max(deadTimes))} s (median {F(Median(deadTimes))} s; " +
                      $"reconnected after {F(Max(dead.Where(c => c.ReconnectedAt != 0).Select(c => Seconds(c.ReconnectedAt))))} s); " +
                      $"survivors' {alive.Length} clients after {F(Max(aliveTimes))} s; the dead node {(ownerKilled ? "owned" : "did not own")} the room");
    Console.WriteLine($"not recovered on resume: {dead.Count(c => c.NotRecovered)}; silent gaps: {gaps}; never receiving again: {waiting}");
    if (clients.FirstOrDefault(c => c.FirstGap is not null) is { } g) Console.WriteLine("error: silent gap: " + g.FirstGap);
    if (waiting > 0) Console.WriteLine($"error: {waiting} clients did not receive again within {options.Timeout.TotalSeconds:0} s");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT mode=failover clients={clients.Length} dead_clients={dead.Length} dead_clients_s={F(Max(deadTimes))} " +
        $"dead_clients_p50_s={F(Median(deadTimes))} reconnect_s={F(Max(dead.Where(c => c.ReconnectedAt != 0).Select(c => Seconds(c.ReconnectedAt))))} " +
        $"survivors_s={F(Max(aliveTimes))} owner_killed={(ownerKilled ? 1 : 0)} not_recovered={dead.Count(c => c.NotRecovered)} " +
        $"silent_gaps={gaps} waiting={waiting} published={publisher.Sent}"));
    code = waiting == 0 && gaps == 0 ? 0 : 1;
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
{
    Console.WriteLine($"error: {e.GetType().Name}: {e.Message}");
}
finally
{
    await stop.CancelAsync();
}
return code;
