using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LoadGen;

/// <summary>
/// The scale ramp of bench/scale (issue 5's "one node holds 19,000 WebSockets", "6 nodes hold 100,000"): opens
/// --connections hub.v1 WebSockets, spread round-robin over the --url list and bound round-robin to the
/// --source-addresses (each loopback address has ~28,000 ephemeral ports), a bounded number of handshakes at a time.
/// A socket counts as open when the room's first frame, "joined", arrived: the join went to the room's owner and back,
/// so a broadcast now reaches it. When all are open the process prints one line,
/// <c>READY connections=N open_s=S utc_ms=T</c>, and waits (bounded by --marker-timeout) until every socket received
/// a message containing --marker; it records each receipt on the wall clock (Unix ms, UTC), so receipts of several
/// processes compare with the publisher's send time (<see cref="PublishOnce"/>). The result line reports the count
/// received and the first and last receipt.
/// </summary>
internal sealed class HoldBenchmark
{
    private readonly WsEndpoint[] _endpoints;
    private readonly int _connections;
    private readonly IPAddress[] _sources;
    private readonly byte[] _marker;
    private readonly int _connectConcurrency;
    private readonly TimeSpan _openTimeout;
    private readonly TimeSpan _markerTimeout;
    private readonly TaskCompletionSource _allJoined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allMarked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly double[] _receivedAt;   // Unix ms of each socket's marker receipt, 0 = not yet
    private int _opened;
    private int _joined;
    private int _marked;
    private int _failed;
    private int _retries;
    private string? _firstRetry;
    private readonly int _connectRetries;
    private string? _firstFailure;
    private volatile bool _stopping;

    public HoldBenchmark(Arguments args)
    {
        _endpoints = args.String("url").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => WsEndpoint.Parse(u)).ToArray();
        _connections = args.Int("connections", 1000, 1, 100_000);
        _sources = args.String("source-addresses", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => IPAddress.TryParse(a, out var ip) && IPAddress.IsLoopback(ip) ? ip
                : throw new UsageException($"--source-addresses: '{a}' is not a loopback address"))
            .ToArray();
        _marker = Encoding.UTF8.GetBytes(args.String("marker"));
        _connectConcurrency = args.Int("connect-concurrency", 64, 1, 10_000);
        _connectRetries = args.Int("connect-retries", 5, 0, 1000);
        _openTimeout = TimeSpan.FromSeconds(args.Seconds("open-timeout", 600, 86_400));
        _markerTimeout = TimeSpan.FromSeconds(args.Seconds("marker-timeout", 600, 86_400));
        _receivedAt = new double[_connections];
    }

    public async Task<int> RunAsync(TextWriter log)
    {
        var report = new RunReport("hold");
        var clients = new WsClient?[_connections];
        log.WriteLine($"hold: {_connections} hub.v1 WebSockets over {string.Join(", ", _endpoints.Select(e => e.ToString()))}" +
                      $" from {(_sources.Length == 0 ? "any address" : string.Join(", ", _sources.Select(s => s.ToString())))}");
        var started = Stopwatch.GetTimestamp();
        using var progress = new Timer(_ => log.WriteLine(
                $"progress {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s: opened {Volatile.Read(ref _opened)}, " +
                $"joined {Volatile.Read(ref _joined)}, failed {Volatile.Read(ref _failed)}, retries {Volatile.Read(ref _retries)}"),
            null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        var exit = 1;
        try
        {
            using var deadline = new CancellationTokenSource(_openTimeout);
            try
            {
                await Parallel.ForAsync(0, _connections,
                    new ParallelOptions { MaxDegreeOfParallelism = _connectConcurrency, CancellationToken = deadline.Token },
                    async (i, ct) =>
                    {
                        var client = await ConnectWithRetriesAsync(i, ct).ConfigureAwait(false);
                        clients[i] = client;
                        Interlocked.Increment(ref _opened);
                        _ = Task.Run(() => ReceiveLoopAsync(client, i));
                    }).ConfigureAwait(false);
                await _allJoined.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                log.WriteLine($"error: {Volatile.Read(ref _opened)} of {_connections} opened, {Volatile.Read(ref _joined)} joined " +
                              (deadline.IsCancellationRequested ? $"within --open-timeout {_openTimeout.TotalSeconds:0} s" : $"({e.GetType().Name}: {e.Message})") +
                              $"; first failure: {_firstFailure ?? "none"}; connect retries {Volatile.Read(ref _retries)}, the first: {_firstRetry ?? "none"}");
                return exit;
            }
            var openSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            report.Add("open_s", openSeconds, "0.00");
            if (_firstRetry is not null) log.WriteLine($"connect retries: {_retries}, the first after {_firstRetry}");
            // The one line bench/scale waits for before it publishes; flushed at once (stdout is a file).
            log.WriteLine($"READY connections={_connections} open_s={openSeconds:0.00} utc_ms={UnixMs():0.0}");
            log.Flush();

            var timedOut = false;
            try
            {
                await _allMarked.Task.WaitAsync(_markerTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                timedOut = true;
            }
            var marked = Volatile.Read(ref _marked);
            var times = _receivedAt.Where(t => t > 0).ToArray();
            report.Add("connections", _connections);
            report.Add("received", marked);
            report.Add("first_utc_ms", times.Length > 0 ? times.Min() : double.NaN, "0.0");
            report.Add("last_utc_ms", times.Length > 0 ? times.Max() : double.NaN, "0.0");
            report.Add("failed", Volatile.Read(ref _failed));
            report.Add("retries", Volatile.Read(ref _retries));
            report.Add("loadgen_rss_kb", Environment.WorkingSet / 1024);
            if (timedOut)
                log.WriteLine($"error: {marked} of {_connections} received the marker within --marker-timeout " +
                              $"{_markerTimeout.TotalSeconds:0} s; failed {Volatile.Read(ref _failed)}, first failure: {_firstFailure ?? "none"}");
            exit = marked == _connections && Volatile.Read(ref _failed) == 0 ? 0 : 1;
            return exit;
        }
        finally
        {
            // No closing handshakes: tens of thousands of them would take longer than the run; the server sees the
            // TCP close of each socket.
            _stopping = true;
            foreach (var c in clients) c?.Dispose();
            report.WriteTo(log);
        }
    }

    /// <summary>Connect and handshake for socket <paramref name="index"/>; a refused or reset attempt (a node starved
    /// of CPU among many on one core) is retried up to --connect-retries times, a second apart, and counted.</summary>
    private async Task<WsClient> ConnectWithRetriesAsync(int index, CancellationToken ct)
    {
        var source = _sources.Length == 0 ? null : _sources[index % _sources.Length];
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await WsClient.ConnectAsync(_endpoints[index % _endpoints.Length], ct, source, "hub.v1").ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < _connectRetries && !ct.IsCancellationRequested
                                      && e is SocketException or IOException or WsProtocolException or WsClosedException)
            {
                if (Interlocked.Increment(ref _retries) == 1) _firstRetry = $"socket {index}: {e.GetType().Name}: {e.Message}";
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One socket: the "joined" frame (the socket is in the room), then frames until the marker.</summary>
    private async Task ReceiveLoopAsync(WsClient client, int index)
    {
        var joined = false;
        try
        {
            while (true)
            {
                var frame = await client.ReceiveAsync().ConfigureAwait(false);
                var span = frame.Payload.Span;
                if (!joined)
                {
                    if (span.IndexOf("\"type\":\"joined\""u8) < 0) continue;
                    joined = true;
                    if (Interlocked.Increment(ref _joined) == _connections) _allJoined.TrySetResult();
                    continue;
                }
                if (span.IndexOf(_marker) < 0) continue;
                _receivedAt[index] = UnixMs();
                if (Interlocked.Increment(ref _marked) == _connections) _allMarked.TrySetResult();
                return;
            }
        }
        catch (Exception e)
        {
            if (_stopping) return;
            if (Interlocked.Increment(ref _failed) == 1) _firstFailure = $"socket {index}: {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Now on the wall clock, Unix milliseconds (UTC), with sub-millisecond digits.</summary>
    public static double UnixMs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;
}
