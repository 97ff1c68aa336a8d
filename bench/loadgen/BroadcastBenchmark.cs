using System.Diagnostics;
using System.Globalization;

namespace LoadGen;

/// <summary>
/// Broadcast fan-out on a chat room where every text message goes to every client, the sender included:
/// <list type="number">
/// <item>open the subscribers, then the publishers (which receive everything too);</item>
/// <item>settle: a publisher sends numbered probes until every connection has seen the latest one, so all are
///   subscribed and nothing from before is still in flight (bounded by --settle-timeout);</item>
/// <item>each publisher sends --messages data messages (publisher, sequence, send timestamp) as fast as the server
///   takes them, with at most --window of its own messages not yet back on its own connection;</item>
/// <item>wait until every connection has all messages of every publisher (bounded by --timeout).</item>
/// </list>
/// With several --url values (comma-separated; e.g. the nodes of a cluster) the subscribers are spread over them
/// round-robin and the publishers connect to the first. Hub's JSON room envelopes (Hub.Host's /chat) are unwrapped
/// (<see cref="RoomEnvelope"/>).
/// Reports subscriber deliveries/s = subscribers × publishers × messages / (first send → last subscriber delivery),
/// publish-to-receive latency p50/p99 over subscriber deliveries, and lost and out-of-order messages over all
/// connections (must be 0; any is an error).
/// </summary>
internal sealed class BroadcastBenchmark
{
    private readonly WsEndpoint[] _endpoints;
    private readonly int _subscribers;
    private readonly int _publishers;
    private readonly int _messages;
    private readonly int _payload;
    private readonly int _window;
    private readonly int _connectConcurrency;
    private readonly TimeSpan _settleTimeout;
    private readonly TimeSpan _timeout;
    private readonly ServerProcess? _server;
    private readonly LatencyHistogram _latency = new();
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Cancelled when a publisher's own connection fails: its window would never open again.</summary>
    private readonly CancellationTokenSource _publisherFailed = new();
    private SemaphoreSlim[] _windows = [];
    private int _pending;           // connections that do not have every message yet
    private volatile bool _stopping;

    public BroadcastBenchmark(Arguments args)
    {
        _endpoints = args.String("url").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(u => WsEndpoint.Parse(u)).ToArray();
        _subscribers = args.Int("subscribers", 1000, 1, 100_000);
        _messages = args.Int("messages", 1000, 1, 10_000_000);
        _publishers = args.Int("publishers", 1, 1, 1000);
        _payload = args.Int("payload", 32, 1, 1 << 20);
        _window = args.Int("window", 100, 1, 1_000_000);
        _connectConcurrency = args.Int("connect-concurrency", 64, 1, 10_000);
        _settleTimeout = TimeSpan.FromSeconds(args.Seconds("settle-timeout", 30, 600));
        _timeout = TimeSpan.FromSeconds(args.Seconds("timeout", 120, 3600));
        _server = ServerProcess.From(args);
    }

    public async Task<int> RunAsync(TextWriter log)
    {
        var subscribers = await ConnectSpreadAsync(log).ConfigureAwait(false);
        WsClient[] publishers;
        try
        {
            publishers = await Connector.ConnectAsync(_endpoints[0], _publishers, _connectConcurrency, TimeSpan.FromSeconds(30), log)
                .ConfigureAwait(false);
        }
        catch
        {
            foreach (var c in subscribers) c.Dispose();
            throw;
        }
        var receivers = subscribers.Select((c, i) => new BroadcastReceiver(c, i, -1, _publishers))
            .Concat(publishers.Select((c, i) => new BroadcastReceiver(c, _subscribers + i, i, _publishers)))
            .ToArray();
        _windows = Enumerable.Range(0, _publishers).Select(_ => new SemaphoreSlim(_window, _window)).ToArray();
        _pending = receivers.Length;
        var loops = receivers.Select(r => Task.Run(() => ReceiveLoopAsync(r))).ToArray();
        try
        {
            return await MeasureAsync(receivers, log).ConfigureAwait(false);
        }
        finally
        {
            // Closing handshakes while the receive loops still read (they end on the server's Close), then the sockets.
            _stopping = true;
            await Parallel.ForEachAsync(receivers, new ParallelOptions { MaxDegreeOfParallelism = _connectConcurrency },
                async (r, _) =>
                {
                    try { await r.Client.SendCloseAsync().ConfigureAwait(false); }
                    catch (Exception) { r.Client.Dispose(); }   // already gone
                }).ConfigureAwait(false);
            await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            foreach (var r in receivers) r.Client.Dispose();
        }
    }

    /// <summary>The subscribers, subscriber i on endpoint i mod the number of endpoints.</summary>
    private async Task<WsClient[]> ConnectSpreadAsync(TextWriter log)
    {
        var groups = new List<WsClient[]>();
        try
        {
            for (var e = 0; e < _endpoints.Length; e++)
            {
                var count = _subscribers / _endpoints.Length + (e < _subscribers % _endpoints.Length ? 1 : 0);
                if (count > 0)
                    groups.Add(await Connector.ConnectAsync(_endpoints[e], count, _connectConcurrency, TimeSpan.FromSeconds(120), log)
                        .ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var c in groups.SelectMany(g => g)) c.Dispose();
            throw;
        }
        var spread = new WsClient[_subscribers];
        for (var i = 0; i < _subscribers; i++) spread[i] = groups[i % groups.Count][i / groups.Count];
        return spread;
    }

    private async Task<int> MeasureAsync(BroadcastReceiver[] receivers, TextWriter log)
    {
        var settleStart = Stopwatch.GetTimestamp();
        var probes = await SettleAsync(receivers).ConfigureAwait(false);
        var settle = Stopwatch.GetElapsedTime(settleStart).TotalSeconds;
        if (probes < 0)
        {
            var seen = receivers.Count(r => r.LastProbe > 0);
            log.WriteLine($"error: not every connection receives the room after {settle:0.00} s (--settle-timeout " +
                          $"{_settleTimeout.TotalSeconds:0}): {seen} of {receivers.Length} saw a probe; {FirstErrors(receivers)}");
            return 1;
        }
        log.WriteLine($"broadcast: all {receivers.Length} connections receive ({probes} probes, {settle:0.00} s); " +
                      $"{_publishers} publisher(s) × {_messages} messages of {_payload} bytes, window {_window}");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_publisherFailed.Token);
        deadline.CancelAfter(_timeout);
        var cpu = CpuMeter.StartNew(_server);
        var firstSend = Stopwatch.GetTimestamp();
        var sends = receivers.Where(r => !r.IsSubscriber).Select(r => Task.Run(() => PublishAsync(r, deadline.Token))).ToArray();
        var sendErrors = new List<string>();
        try
        {
            await Task.WhenAll(sends).ConfigureAwait(false);
            await _allDone.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception) when (deadline.IsCancellationRequested || sends.Any(s => s.IsFaulted))
        {
            foreach (var s in sends.Where(s => s.IsFaulted)) sendErrors.Add(s.Exception!.InnerException!.Message);
            if (_publisherFailed.IsCancellationRequested) sendErrors.Add("a publisher's connection failed; publishing stopped");
            else if (deadline.IsCancellationRequested) sendErrors.Add($"not every message arrived within --timeout {_timeout.TotalSeconds:0} s");
        }
        var report = new RunReport("broadcast");
        cpu.Stop(report, log);

        var subscribers = receivers.Where(r => r.IsSubscriber).ToArray();
        var lastDelivery = subscribers.Max(r => Volatile.Read(ref r.LastDeliveryAt));
        var elapsed = Math.Max(lastDelivery - firstSend, 0) / (double)Stopwatch.Frequency;
        var deliveries = subscribers.Sum(r => Interlocked.Read(ref r.Received));
        var perConnection = (long)_publishers * _messages;
        var lost = receivers.Sum(r => Math.Max(0, perConnection - Interlocked.Read(ref r.Received)));
        var outOfOrder = receivers.Sum(r => Interlocked.Read(ref r.OutOfOrder));
        var failed = receivers.Count(r => r.Error is not null);
        var rate = elapsed > 0 ? deliveries / elapsed : 0;
        var p50 = _latency.Percentile(50) / 1000;
        var p99 = _latency.Percentile(99) / 1000;

        log.WriteLine($"broadcast: {deliveries} subscriber deliveries in {elapsed:0.000} s = {rate:0} deliveries/s; " +
                      $"publish-to-receive p50 {p50:0.###} ms, p99 {p99:0.###} ms");
        log.WriteLine($"checked on all {receivers.Length} connections: lost {lost}, out of order {outOfOrder}, connections failed {failed}");
        foreach (var e in sendErrors) log.WriteLine("error: " + e);
        if (failed > 0) log.WriteLine("error: " + FirstErrors(receivers));
        var errors = sendErrors.Count + failed + (lost > 0 || outOfOrder > 0 ? 1 : 0);
        report.Add("subscribers", _subscribers);
        report.Add("publishers", _publishers);
        report.Add("messages", _messages);
        report.Add("payload", _payload);
        report.Add("window", _window);
        report.Add("settle_s", settle, "0.00");
        report.Add("duration_s", elapsed, "0.000");
        report.Add("deliveries", deliveries);
        report.Add("deliveries_per_s", rate, "0.0");
        report.Add("p50_ms", p50, "0.000");
        report.Add("p99_ms", p99, "0.000");
        report.Add("lost", lost);
        report.Add("out_of_order", outOfOrder);
        report.Add("failed_connections", failed);
        report.Add("errors", errors);
        report.WriteTo(log);
        return errors == 0 ? 0 : 1;
    }

    /// <summary>Longest wait for one probe's fan-out: 400 polls of 5 ms.</summary>
    private const int MaxSettlePolls = 400;

    /// <summary>Probes until every connection has seen the latest one; returns the probe count, or -1 on timeout.</summary>
    private async Task<int> SettleAsync(BroadcastReceiver[] receivers)
    {
        var prober = receivers.First(r => r.PublisherId == 0).Client;
        var buffer = new byte[32];
        var deadline = Stopwatch.GetTimestamp() + (long)(_settleTimeout.TotalSeconds * Stopwatch.Frequency);
        // Polls for a probe's fan-out, then probes again: a connection that joined the room late sees only later
        // probes. The wait doubles from 50 ms up to 2 s per probe, because one probe's fan-out to 10,000 connections
        // can take longer than 50 ms (a fixed 50 ms never settled on a busy machine: each probe was overtaken by the
        // next before it had reached everyone).
        var polls = 10;
        for (var probe = 1; Stopwatch.GetTimestamp() < deadline; probe++, polls = Math.Min(polls * 2, MaxSettlePolls))
        {
            await prober.SendTextAsync(buffer.AsMemory(0, BroadcastMessage.WriteProbe(buffer, probe))).ConfigureAwait(false);
            for (var i = 0; i < polls && Stopwatch.GetTimestamp() < deadline; i++)
            {
                await Task.Delay(5).ConfigureAwait(false);
                if (receivers.All(r => r.LastProbe >= probe)) return probe;
                if (receivers.Any(r => r.Error is not null)) return -1;
            }
        }
        return -1;
    }

    private async Task PublishAsync(BroadcastReceiver publisher, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Max(_payload, BroadcastMessage.MaxHeaderSize)];
        var window = _windows[publisher.PublisherId];
        for (var sequence = 0; sequence < _messages; sequence++)
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            var length = BroadcastMessage.Write(buffer, publisher.PublisherId, sequence, Stopwatch.GetTimestamp(), _payload);
            await publisher.Client.SendTextAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync(BroadcastReceiver r)
    {
        var perConnection = (long)_publishers * _messages;
        try
        {
            while (true)
            {
                var frame = await r.Client.ReceiveAsync().ConfigureAwait(false);
                var now = Stopwatch.GetTimestamp();
                if (!frame.IsText) throw new WsProtocolException($"unexpected {frame.Opcode} message");
                if (!RoomEnvelope.TryUnwrap(frame.Payload.Span, out var message)) continue;
                if (BroadcastMessage.TryReadProbe(message, out var probe))
                {
                    r.SawProbe(probe);
                    continue;
                }
                if (!BroadcastMessage.TryRead(message, out var publisher, out var sequence, out var sentAt) || publisher >= _publishers)
                    throw new WsProtocolException($"not a message of this run: {System.Text.Encoding.UTF8.GetString(message)}");
                if (sequence != r.Expected[publisher]) r.OutOfOrder++;
                r.Expected[publisher] = sequence + 1;
                Volatile.Write(ref r.LastDeliveryAt, now);
                if (r.IsSubscriber) _latency.Record((now - sentAt) * 1_000_000 / Stopwatch.Frequency);
                else if (publisher == r.PublisherId) _windows[publisher].Release();
                if (Interlocked.Increment(ref r.Received) == perConnection) Finished();
            }
        }
        catch (Exception e) when (!_stopping)
        {
            r.Error = $"connection {r.Index}: {e.GetType().Name}: {e.Message}";
            if (!r.IsSubscriber) _publisherFailed.Cancel();
            // It will not get the rest: stop waiting for it (the loss shows in the report).
            if (Interlocked.Read(ref r.Received) < perConnection) Finished();
        }
        catch (Exception) when (_stopping)
        {
            // The closing handshake at the end (or the sockets closed after it).
        }
    }

    private void Finished()
    {
        if (Interlocked.Decrement(ref _pending) == 0) _allDone.TrySetResult();
    }

    private static string FirstErrors(BroadcastReceiver[] receivers)
    {
        var errors = receivers.Where(r => r.Error is not null).Select(r => r.Error!).Take(5).ToList();
        return errors.Count == 0 ? "no connection failed" : string.Join("; ", errors);
    }
}
