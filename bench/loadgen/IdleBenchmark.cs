using System.Diagnostics;
using System.Net;

namespace LoadGen;

/// <summary>
/// Idle memory: opens connections in steps (e.g. 1,000 → 10,000 → 19,000), holds every one open with nothing in
/// flight, and after each step waits <c>--settle</c> seconds (nothing is forced: no GC, no trim) and reads the server's
/// VmRSS. Reports, per step, (RSS_N − RSS_0) / N in KiB per connection, RSS_0 being the server's resident set after a
/// warm-up (open and close <c>--warmup-connections</c>) with no connection open.
/// Kinds: <c>ws</c> = WebSockets with the opening handshake done (pings answered, any message an error);
/// <c>http</c> = keep-alive connections that sent one <c>GET</c>, got the whole response and stay open.
/// A connection the server closes during the run is counted (closed_early) and fails the run.
/// </summary>
internal sealed class IdleBenchmark
{
    private readonly string _kind;
    private readonly WsEndpoint _endpoint;
    private readonly int[] _steps;
    private readonly int _warmupConnections;
    private readonly TimeSpan _settle;
    private readonly int _connectConcurrency;
    private readonly TimeSpan _stepTimeout;
    private readonly IPAddress[] _sources;
    private readonly ServerProcess _server;
    private readonly List<IDisposable> _open = [];
    private readonly List<Task> _watchers = [];
    // Bumped by CloseAll: a watcher whose connection we closed ourselves sees a newer generation and counts nothing.
    private int _generation;
    private int _closedEarly;
    private string? _firstClose;

    public IdleBenchmark(Arguments args)
    {
        _kind = args.String("kind", "ws");
        if (_kind is not ("ws" or "http")) throw new UsageException($"--kind must be ws or http, was '{_kind}'");
        _endpoint = WsEndpoint.Parse(args.String("url"), _kind);
        _steps = args.String("steps", "1000,10000").Split(',')
            .Select(s => int.TryParse(s, out var n) && n > 0 ? n : throw new UsageException($"--steps: '{s}' is not a positive count"))
            .ToArray();
        if (_steps.Zip(_steps.Skip(1)).Any(p => p.Second <= p.First)) throw new UsageException("--steps must increase");
        _warmupConnections = args.Int("warmup-connections", 200, 0, 100_000);
        _settle = TimeSpan.FromSeconds(args.Seconds("settle", 3, 600));
        _connectConcurrency = args.Int("connect-concurrency", 64, 1, 10_000);
        _stepTimeout = TimeSpan.FromSeconds(args.Seconds("step-timeout", 120, 3600));
        // Client ends bound round-robin to these loopback addresses (empty = let the kernel pick 127.0.0.1's ports).
        _sources = args.String("source-addresses", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => IPAddress.TryParse(a, out var ip) && IPAddress.IsLoopback(ip) ? ip
                : throw new UsageException($"--source-addresses: '{a}' is not a loopback address"))
            .ToArray();
        _server = ServerProcess.From(args) ?? throw new UsageException("idle needs --server-pid (it measures the server's RSS)");
    }

    public async Task<int> RunAsync(TextWriter log)
    {
        var report = new RunReport("idle");
        log.WriteLine($"idle {_kind}: {_endpoint}, steps {string.Join(", ", _steps)}, settle {_settle.TotalSeconds:0.#} s");
        try
        {
            if (_warmupConnections > 0)
            {
                // The accept and handshake paths run once before RSS_0, so JIT and first-use allocations are not
                // charged to the connections measured.
                await OpenUpToAsync(_warmupConnections, log).ConfigureAwait(false);
                CloseAll();
                log.WriteLine($"warm-up: opened and closed {_warmupConnections} connections");
            }
            await Task.Delay(_settle).ConfigureAwait(false);
            var rss0 = _server.StatusKb("VmRSS");
            report.Add("rss0_kb", rss0);
            log.WriteLine($"0 connections: server RSS {rss0} KiB");

            var previous = 0;
            foreach (var n in _steps)
            {
                // Server CPU spent accepting (and, for ws, upgrading) this step's new connections, before any settle.
                var cpuBefore = _server.CpuSeconds();
                await OpenUpToAsync(n, log).ConfigureAwait(false);
                var openCpuMsPer1k = (_server.CpuSeconds() - cpuBefore) * 1000 / ((n - previous) / 1000.0);
                previous = n;
                report.Add($"n{n}_open_cpu_ms_per_1k", openCpuMsPer1k, "0");
                await Task.Delay(_settle).ConfigureAwait(false);
                var rss = _server.StatusKb("VmRSS");
                var perSocket = (rss - rss0) / (double)n;
                var open = n - Volatile.Read(ref _closedEarly);
                log.WriteLine($"STEP n={n} open={open} rss_kb={rss} delta_kb={rss - rss0} kb_per_conn={perSocket:0.00} open_cpu_ms_per_1k={openCpuMsPer1k:0}");
                report.Add($"n{n}_rss_kb", rss);
                report.Add($"n{n}_kb_per_conn", perSocket, "0.00");
                if (Volatile.Read(ref _closedEarly) > 0) break;
            }
            report.Add("rss_peak_kb", _server.StatusKb("VmHWM"));
        }
        catch (Exception e)
        {
            log.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            report.Add("failed", 1);
            CloseAll();
            report.Add("closed_early", Volatile.Read(ref _closedEarly));
            report.WriteTo(log);
            return 1;
        }
        var closedEarly = Volatile.Read(ref _closedEarly);
        CloseAll();
        if (closedEarly > 0) log.WriteLine($"error: the server closed {closedEarly} idle connections, the first: {_firstClose}");
        report.Add("closed_early", closedEarly);
        report.WriteTo(log);
        return closedEarly == 0 ? 0 : 1;
    }

    /// <summary>Opens connections until <paramref name="target"/> are open, a bounded number of handshakes at a time.</summary>
    private async Task OpenUpToAsync(int target, TextWriter log)
    {
        var from = _open.Count;
        var generation = Volatile.Read(ref _generation);
        var opened = new IDisposable?[target - from];
        var watchers = new Task?[target - from];
        using var deadline = new CancellationTokenSource(_stepTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Parallel.ForAsync(0, opened.Length,
                new ParallelOptions { MaxDegreeOfParallelism = _connectConcurrency, CancellationToken = deadline.Token },
                async (i, ct) =>
                {
                    var source = _sources.Length == 0 ? null : _sources[(from + i) % _sources.Length];
                    if (_kind == "ws")
                    {
                        var client = await WsClient.ConnectAsync(_endpoint, ct, source).ConfigureAwait(false);
                        opened[i] = client;
                        watchers[i] = WatchAsync(async () => { await client.ReceiveAsync().ConfigureAwait(false); }, generation);
                    }
                    else
                    {
                        var connection = await KeepAliveHttpConnection.OpenAsync(_endpoint, ct, source).ConfigureAwait(false);
                        opened[i] = connection;
                        watchers[i] = WatchAsync(connection.WaitForServerAsync, generation);
                    }
                }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Keep(opened, watchers);
            var count = opened.Count(c => c is not null);
            throw new InvalidOperationException(deadline.IsCancellationRequested
                ? $"only {from + count} of {target} connections to {_endpoint} opened within {_stepTimeout.TotalSeconds:0} s"
                : $"connecting to {_endpoint} failed after {from + count} of {target}: {e.Message}", e);
        }
        Keep(opened, watchers);
        log.WriteLine($"opened {opened.Length} more ({target} in all) in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} s");
    }

    private void Keep(IDisposable?[] opened, Task?[] watchers)
    {
        _open.AddRange(opened.OfType<IDisposable>());
        _watchers.AddRange(watchers.OfType<Task>());
    }

    /// <summary>Waits on one idle connection: for a WebSocket, the next message (pings are answered inside
    /// <see cref="WsClient.ReceiveAsync"/>); for HTTP, the end of the connection. Either means it is no longer idle.</summary>
    private async Task WatchAsync(Func<Task> receive, int generation)
    {
        try
        {
            await receive().ConfigureAwait(false);
            Record("a message arrived on an idle connection", generation);
        }
        catch (Exception e)
        {
            Record($"{e.GetType().Name}: {e.Message}", generation);
        }
    }

    private void Record(string what, int generation)
    {
        if (generation != Volatile.Read(ref _generation)) return;   // we closed it
        if (Interlocked.Increment(ref _closedEarly) == 1) _firstClose = what;
    }

    /// <summary>Closes every open connection at once (TCP close, no closing handshake: nothing is measured any more).</summary>
    private void CloseAll()
    {
        Interlocked.Increment(ref _generation);
        foreach (var c in _open) c.Dispose();
        _open.Clear();
        _watchers.Clear();
    }
}
