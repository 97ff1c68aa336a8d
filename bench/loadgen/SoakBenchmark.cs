using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// The soak mode (bench/run.sh soak): mixed load against one Hub.Host for --duration seconds, at modest fixed rates,
/// while the server's RSS, GC heap (/health gcHeapBytes), open descriptors (/proc/PID/fd) and threads are sampled
/// every --sample-interval seconds into --samples (CSV). Running at once:
///   keep-alive HTTP   --keepalive-connections connections, each a GET / every 20 ms, reopened every 500 requests
///   new connections   --new-connection-workers workers, each a GET / with Connection: close every 50 ms
///   WebSocket echo    --echo-clients clients on /ws, each a message every 20 ms, its echo checked
///   broadcast room    --subscribers clients on /chat, one of them publishing "soak:N" every 100 ms; every client
///                     must see every N in order
///   vanishing clients every 200 ms a client that goes away without a close: a /ws or /chat WebSocket reset after
///                     its handshake, a half-sent request, or a bare TCP connect
///   slow reader       a /chat client that reads nothing for 60 s, then drains; the server may close it for overflow
/// Errors: any failed request, wrong or missing echo, missing or reordered broadcast, or a connection the load
/// generator did not end itself closed by the server (the slow reader's overflow close excepted, counted apart).
/// Passes when errors are 0 and no sampled metric trends up after --steady-after seconds: the least-squares line
/// through those samples rises by at most --max-rise (a fraction of their mean) over that window, or for the counts
/// (fds, threads) by at most --count-allowance if that is more.
/// </summary>
internal sealed class SoakBenchmark
{
    private const string ChatMarker = "soak:";
    private readonly WsEndpoint _http;
    private readonly WsEndpoint _health;
    private readonly WsEndpoint _echo;
    private readonly WsEndpoint _chat;
    private readonly int _serverPid;
    private readonly TimeSpan _duration;
    private readonly TimeSpan _sampleInterval;
    private readonly double _steadyAfter;
    private readonly double _maxRise;
    private readonly int _countAllowance;
    private readonly string _samplesPath;
    private readonly int _keepAliveConnections;
    private readonly int _newConnectionWorkers;
    private readonly int _echoClients;
    private readonly int _subscribers;

    private long _httpKeepAlive, _httpNew, _echoes, _published, _delivered, _vanished, _slowReaders, _slowFrames, _slowClosedByServer, _errors;
    private readonly List<string> _errorSamples = [];
    private readonly List<Sample> _samples = [];

    public SoakBenchmark(Arguments args)
    {
        var baseUrl = args.String("url").TrimEnd('/');
        _http = WsEndpoint.Parse(baseUrl + "/", "http");
        _health = WsEndpoint.Parse(baseUrl + "/health", "http");
        var ws = "ws" + baseUrl["http".Length..];
        _echo = WsEndpoint.Parse(ws + "/ws");
        _chat = WsEndpoint.Parse(ws + "/chat");
        _serverPid = args.Int("server-pid", 0, 1, int.MaxValue);
        _duration = TimeSpan.FromSeconds(args.Seconds("duration", 1800, 86_400));
        _sampleInterval = TimeSpan.FromSeconds(args.Seconds("sample-interval", 10, 3600));
        _steadyAfter = args.Seconds("steady-after", 300, 86_400);
        _maxRise = args.Seconds("max-rise", 0.10, 100);
        _countAllowance = args.Int("count-allowance", 5, 0, 1_000_000);
        _samplesPath = args.String("samples");
        _keepAliveConnections = args.Int("keepalive-connections", 4, 0, 1000);
        _newConnectionWorkers = args.Int("new-connection-workers", 2, 0, 100);
        _echoClients = args.Int("echo-clients", 4, 0, 1000);
        _subscribers = args.Int("subscribers", 20, 1, 10_000);
        if (!File.Exists($"/proc/{_serverPid}/status")) throw new ArgumentException($"--server-pid {_serverPid}: no such process");
    }

    private sealed record Sample(double Seconds, long RssKb, long GcHeapBytes, int Fds, int Threads, int Connections,
        long HttpRequests, long Echoes, long Delivered, long Vanished, long Errors);

    public async Task<int> RunAsync(TextWriter log)
    {
        using var stop = new CancellationTokenSource(_duration);
        var clock = Stopwatch.StartNew();
        log.WriteLine($"soak: {_duration.TotalSeconds:0} s against {_http} (pid {_serverPid}), samples every {_sampleInterval.TotalSeconds:0} s into {_samplesPath}");

        _roomNext = new long[_subscribers];
        var room = await Connector.ConnectAsync(_chat, _subscribers, 16, TimeSpan.FromSeconds(30), log);
        var workers = new List<Task>();
        for (var i = 0; i < _keepAliveConnections; i++) workers.Add(Guard("keep-alive", () => KeepAliveLoopAsync(stop.Token)));
        for (var i = 0; i < _newConnectionWorkers; i++) workers.Add(Guard("new-connection", () => NewConnectionLoopAsync(stop.Token)));
        for (var i = 0; i < _echoClients; i++)
        {
            var index = i;
            workers.Add(Guard("echo", () => EchoLoopAsync(index, stop.Token)));
        }
        workers.Add(Guard("publisher", () => PublishLoopAsync(room[0], stop.Token)));
        var receivers = room.Select((client, i) => ReceiveRoomAsync(client, i)).ToArray();
        workers.Add(Guard("vanishing", () => VanishLoopAsync(stop.Token)));
        workers.Add(Guard("slow-reader", () => SlowReaderLoopAsync(stop.Token)));
        var sampler = SampleLoopAsync(clock, stop.Token);

        await Task.WhenAll(workers);
        await sampler;

        // Every subscriber must have seen every published number; give the last ones a moment to arrive.
        var published = Interlocked.Read(ref _published);
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(10) && Enumerable.Range(0, room.Length).Any(i => Volatile.Read(ref _roomNext[i]) < published))
            await Task.Delay(100);
        for (var i = 0; i < room.Length; i++)
            if (Volatile.Read(ref _roomNext[i]) != published) Error($"subscriber {i} saw {_roomNext[i]} of {published} broadcasts");
        _roomClosing = true;
        await Task.WhenAll(room.Select(c => c.CloseAsync(TimeSpan.FromSeconds(5))));
        await Task.WhenAll(receivers);

        return Report(log, clock.Elapsed);
    }

    // ---- workloads ----

    private async Task Guard(string name, Func<Task> loop)
    {
        try { await loop(); }
        catch (OperationCanceledException) { }
        catch (Exception e) { Error($"{name}: {e.GetType().Name}: {e.Message}"); }
    }

    private async Task KeepAliveLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var connection = await SoakHttpConnection.OpenAsync(_http, stop);
            for (var i = 0; i < 500 && !stop.IsCancellationRequested; i++)
            {
                if (!await TryAsync("keep-alive GET /", async () => Expect("Hello, world", await connection.GetAsync(_http, close: false, stop)))) return;
                Interlocked.Increment(ref _httpKeepAlive);
                await Task.Delay(20, stop);
            }
        }
    }

    private async Task NewConnectionLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var ok = await TryAsync("new-connection GET /", async () =>
            {
                using var connection = await SoakHttpConnection.OpenAsync(_http, stop);
                Expect("Hello, world", await connection.GetAsync(_http, close: true, stop));
            });
            if (!ok) return;
            Interlocked.Increment(ref _httpNew);
            await Task.Delay(50, stop);
        }
    }

    private async Task EchoLoopAsync(int index, CancellationToken stop)
    {
        var client = await WsClient.ConnectAsync(_echo, stop);
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var text = $"echo {index} {n}";
            // No timeout on the receive: a pending one would break the closing handshake; a lost echo shows as an
            // echo client that stopped counting, and the run's errors come from the broken connection.
            var ok = await TryAsync("echo", async () =>
            {
                await client.SendTextAsync(Encoding.UTF8.GetBytes(text));
                var frame = await client.ReceiveAsync();
                Expect("Echo: " + text, Encoding.UTF8.GetString(frame.Payload.Span));
            });
            if (!ok)
            {
                client.Dispose();
                return;
            }
            Interlocked.Increment(ref _echoes);
            try { await Task.Delay(20, stop); }
            catch (OperationCanceledException) { break; }
        }
        await client.CloseAsync(TimeSpan.FromSeconds(5));
    }

    private long[] _roomNext = [];
    private volatile bool _roomClosing;

    private async Task PublishLoopAsync(WsClient publisher, CancellationToken stop)
    {
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            await publisher.SendTextAsync(Encoding.UTF8.GetBytes(ChatMarker + n.ToString(CultureInfo.InvariantCulture)));
            Interlocked.Increment(ref _published);
            await Task.Delay(100, stop);
        }
    }

    /// <summary>Reads one /chat client until it is closed at the end; every "soak:N" must come in order, none missing.</summary>
    private async Task ReceiveRoomAsync(WsClient client, int index)
    {
        try
        {
            while (true)
            {
                var frame = await client.ReceiveAsync();
                if (!TryReadMarker(frame.Payload.Span, out var n)) continue;
                if (n != _roomNext[index]) Error($"subscriber {index} got broadcast {n}, expected {_roomNext[index]}");
                Volatile.Write(ref _roomNext[index], n + 1);
                Interlocked.Increment(ref _delivered);
            }
        }
        catch (Exception e) when (e is WsClosedException or SocketException or ObjectDisposedException or WsProtocolException)
        {
            if (!_roomClosing) Error($"subscriber {index} closed by the server: {e.Message}");
        }
    }

    /// <summary>Clients that go away without a close, one every 200 ms, four kinds in turn.</summary>
    private async Task VanishLoopAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var ok = await TryAsync("vanishing client", async () =>
            {
                switch (n % 4)
                {
                    case 0:
                        // A WebSocket that sent a message and is reset without Close.
                        var ws = await WsClient.ConnectAsync(_echo, stop);
                        await ws.SendTextAsync("gone"u8.ToArray());
                        ws.Abort();
                        break;
                    case 1:
                        // A room member that is reset without Close: its membership must go with it.
                        var member = await WsClient.ConnectAsync(_chat, stop);
                        member.Abort();
                        break;
                    case 2:
                        // Half a request head, then a reset.
                        var half = await SoakHttpConnection.OpenAsync(_http, stop);
                        await half.AbortAfterAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {_http.HostHeader}\r\nX-Sl"), stop);
                        break;
                    default:
                        // A TCP connection that never says anything and closes (FIN).
                        using (await SoakHttpConnection.OpenAsync(_http, stop)) { }
                        break;
                }
            });
            if (!ok) return;
            Interlocked.Increment(ref _vanished);
            await Task.Delay(200, stop);
        }
    }

    /// <summary>A /chat client that stops reading for 60 s, then drains until it has caught up with the publisher,
    /// then leaves with a Close.</summary>
    private async Task SlowReaderLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await WsClient.ConnectAsync(_chat, stop);
            Interlocked.Increment(ref _slowReaders);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(60), stop);
            }
            catch (OperationCanceledException)
            {
                await client.CloseAsync(TimeSpan.FromSeconds(5));
                return;
            }
            try
            {
                var drain = Stopwatch.StartNew();
                while (true)
                {
                    var frame = await client.ReceiveAsync();
                    Interlocked.Increment(ref _slowFrames);
                    if (TryReadMarker(frame.Payload.Span, out var n) && n + 1 >= Interlocked.Read(ref _published)) break;
                    if (drain.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("the slow reader did not catch up within 60 s");
                }
                await client.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is WsClosedException or SocketException)
            {
                // The overflow policy (hub.websocket.outbound-overflow = close) may end a reader this slow.
                Interlocked.Increment(ref _slowClosedByServer);
                client.Dispose();
                Console.Out.WriteLine($"slow reader closed by the server: {e.Message}");
            }
        }
    }

    // ---- sampling ----

    private async Task SampleLoopAsync(Stopwatch clock, CancellationToken stop)
    {
        await using var csv = new StreamWriter(_samplesPath);
        await csv.WriteLineAsync("seconds,rss_kb,gc_heap_bytes,fds,threads,connections,http_requests,ws_echoes,broadcasts_delivered,vanished,errors");
        using var timer = new PeriodicTimer(_sampleInterval);
        do
        {
            var sample = await TakeSampleAsync(clock.Elapsed.TotalSeconds);
            if (sample is null) continue;
            _samples.Add(sample);
            await csv.WriteLineAsync(string.Join(',', sample.Seconds.ToString("0.0", CultureInfo.InvariantCulture), sample.RssKb,
                sample.GcHeapBytes, sample.Fds, sample.Threads, sample.Connections, sample.HttpRequests, sample.Echoes,
                sample.Delivered, sample.Vanished, sample.Errors));
            await csv.FlushAsync();
        }
        while (await Tick(timer, stop));
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stop)
    {
        try { return await timer.WaitForNextTickAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }

    private async Task<Sample?> TakeSampleAsync(double seconds)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{_serverPid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
        }
        var fds = Directory.GetFiles($"/proc/{_serverPid}/fd").Length;
        long heap = 0;
        var connections = 0;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var connection = await SoakHttpConnection.OpenAsync(_health, timeout.Token);
            using var health = JsonDocument.Parse(await connection.GetAsync(_health, close: true, timeout.Token));
            heap = health.RootElement.GetProperty("gcHeapBytes").GetInt64();
            connections = health.RootElement.GetProperty("connections").GetInt32();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Error($"GET /health: {e.GetType().Name}: {e.Message}");
            return null;
        }
        return new Sample(seconds, rss, heap, fds, threads, connections,
            Interlocked.Read(ref _httpKeepAlive) + Interlocked.Read(ref _httpNew), Interlocked.Read(ref _echoes),
            Interlocked.Read(ref _delivered), Interlocked.Read(ref _vanished), Interlocked.Read(ref _errors));
    }

    // ---- verdict ----

    private int Report(TextWriter log, TimeSpan elapsed)
    {
        var steady = _samples.Where(s => s.Seconds >= _steadyAfter).ToList();
        var report = new RunReport("soak");
        report.Add("duration_s", elapsed.TotalSeconds, "0");
        report.Add("samples", _samples.Count);
        report.Add("steady_samples", steady.Count);
        var trendsOk = steady.Count >= 3;
        if (!trendsOk) log.WriteLine($"error: {steady.Count} samples after {_steadyAfter:0} s: too few to judge a trend");
        // Counts move in steps (the thread pool adds and retires threads with the machine's load), so for them a rise
        // of up to --count-allowance is not a trend however small the mean; a leak of one per client passes it at once.
        foreach (var (name, value, allowance) in new (string, Func<Sample, double>, double)[]
                 {
                     ("rss_kb", s => s.RssKb, 0), ("gc_heap_bytes", s => s.GcHeapBytes, 0),
                     ("fds", s => s.Fds, _countAllowance), ("threads", s => s.Threads, _countAllowance),
                 })
        {
            report.Add(name + "_start", _samples.Count > 0 ? value(_samples[0]) : double.NaN, "0");
            report.Add(name + "_steady_start", steady.Count > 0 ? value(steady[0]) : double.NaN, "0");
            report.Add(name + "_end", _samples.Count > 0 ? value(_samples[^1]) : double.NaN, "0");
            if (steady.Count < 3) continue;
            var (slope, mean) = LeastSquares(steady.Select(s => s.Seconds).ToArray(), steady.Select(value).ToArray());
            var window = steady[^1].Seconds - steady[0].Seconds;
            var rise = slope * window / mean;
            var ok = slope * window <= Math.Max(_maxRise * mean, allowance);
            trendsOk &= ok;
            log.WriteLine($"TREND {name}: slope {slope * 60:0.###}/min, rise over {window / 60:0.#} min {slope * window:0.##} = {rise * 100:0.##}% of the mean {mean:0.#} ({(ok ? "ok" : "TRENDS UP")})");
            report.Add(name + "_rise", slope * window, "0.##");
            report.Add(name + "_slope_per_min", slope * 60, "0.###");
            report.Add(name + "_rise_pct", rise * 100, "0.##");
        }
        report.Add("http_keepalive", _httpKeepAlive);
        report.Add("http_new_connections", _httpNew);
        report.Add("ws_echoes", _echoes);
        report.Add("broadcasts_published", _published);
        report.Add("broadcasts_delivered", _delivered);
        report.Add("vanished_clients", _vanished);
        report.Add("slow_readers", _slowReaders);
        report.Add("slow_reader_frames", _slowFrames);
        report.Add("slow_readers_closed_by_server", _slowClosedByServer);
        report.Add("errors", _errors);
        report.Add("trends_ok", trendsOk ? 1 : 0);
        lock (_errorSamples) foreach (var e in _errorSamples) log.WriteLine("error: " + e);
        report.WriteTo(log);
        return _errors == 0 && trendsOk ? 0 : 1;
    }

    /// <summary>The slope of the least-squares line through (x, y), and the mean of y.</summary>
    private static (double Slope, double Mean) LeastSquares(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return (sxx == 0 ? 0 : sxy / sxx, my);
    }

    // ---- helpers ----

    /// <summary>Runs one step; a failure (not the end of the run) is counted as an error and returns false.</summary>
    private async Task<bool> TryAsync(string what, Func<Task> step)
    {
        try
        {
            await step();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e)
        {
            Error($"{what}: {e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    private static void Expect(string expected, string actual)
    {
        if (actual != expected) throw new InvalidDataException($"expected '{expected}', got '{actual}'");
    }

    private void Error(string message)
    {
        Interlocked.Increment(ref _errors);
        lock (_errorSamples) if (_errorSamples.Count < 20) _errorSamples.Add(message);
    }

    private static bool TryReadMarker(ReadOnlySpan<byte> payload, out long n)
    {
        n = 0;
        var at = payload.IndexOf(Encoding.ASCII.GetBytes(ChatMarker));
        if (at < 0) return false;
        var digits = payload[(at + ChatMarker.Length)..];
        var length = 0;
        while (length < digits.Length && digits[length] is >= (byte)'0' and <= (byte)'9') length++;
        return length > 0 && long.TryParse(digits[..length], NumberStyles.None, CultureInfo.InvariantCulture, out n);
    }
}
