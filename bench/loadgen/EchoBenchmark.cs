using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LoadGen;

/// <summary>
/// Echo: every connection sends one text message, waits for its echo, and repeats until the duration is up.
/// Reports round trips/s (all connections, over the whole run) and round-trip latency p50/p99. Each message starts with
/// the connection's round-trip number, so a lost, repeated or reordered echo is caught, not just counted.
/// </summary>
internal sealed class EchoBenchmark
{
    private readonly WsEndpoint _endpoint;
    private readonly int _connections;
    private readonly TimeSpan _duration;
    private readonly int _payload;
    private readonly byte[] _prefix;
    private readonly int _connectConcurrency;
    private readonly TimeSpan _timeout;
    private readonly ServerProcess? _server;
    private readonly LatencyHistogram _latency = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private volatile bool _timedOut;

    public EchoBenchmark(Arguments args)
    {
        _endpoint = WsEndpoint.Parse(args.String("url"));
        _connections = args.Int("connections", 100, 1, 100_000);
        _duration = TimeSpan.FromSeconds(args.Seconds("duration", 15, 3600));
        _payload = args.Int("payload", 32, 1, 1 << 20);
        // Hub.Host's demo /ws answers "Echo: " + message; the bench peers echo unchanged.
        _prefix = Encoding.UTF8.GetBytes(args.String("expect-prefix", ""));
        _connectConcurrency = args.Int("connect-concurrency", 64, 1, 10_000);
        _timeout = TimeSpan.FromSeconds(args.Seconds("timeout", 10, 600));
        _server = ServerProcess.From(args);
    }

    public async Task<int> RunAsync(TextWriter log)
    {
        var clients = await Connector.ConnectAsync(_endpoint, _connections, _connectConcurrency, TimeSpan.FromSeconds(60), log)
            .ConfigureAwait(false);
        log.WriteLine($"echo: {_connections} connections, {_payload}-byte text messages, {_duration.TotalSeconds:0.##} s");

        var cpu = CpuMeter.StartNew(_server);
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(_duration.TotalSeconds * Stopwatch.Frequency);
        // A round trip that never completes would hang its loop: past duration + timeout every socket is closed,
        // which fails whatever is still waiting.
        await using var watchdog = new Timer(_ =>
        {
            _timedOut = true;
            foreach (var c in clients) c.Dispose();
        }, null, _duration + _timeout, Timeout.InfiniteTimeSpan);

        var loops = new Task<long>[clients.Length];
        for (var i = 0; i < clients.Length; i++)
        {
            var client = clients[i];
            var index = i;
            loops[i] = Task.Run(() => LoopAsync(client, index, stopAt));
        }
        var counts = await Task.WhenAll(loops).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var report = new RunReport("echo");
        cpu.Stop(report, log);
        await watchdog.DisposeAsync().ConfigureAwait(false);
        if (!_timedOut) await Connector.CloseAllAsync(clients, _connectConcurrency).ConfigureAwait(false);

        var total = counts.Sum();
        var rps = total / elapsed;
        var p50 = _latency.Percentile(50) / 1000;
        var p99 = _latency.Percentile(99) / 1000;
        log.WriteLine($"echo: {total} round trips in {elapsed:0.00} s = {rps:0} round trips/s; latency p50 {p50:0.###} ms, p99 {p99:0.###} ms");
        foreach (var e in _errors.Take(10)) log.WriteLine("error: " + e);
        if (_timedOut) log.WriteLine($"error: round trips still open {_timeout.TotalSeconds:0} s after the end; sockets closed");
        var errors = _errors.Count + (_timedOut ? 1 : 0);
        report.Add("connections", _connections);
        report.Add("payload", _payload);
        report.Add("duration_s", elapsed, "0.000");
        report.Add("round_trips", total);
        report.Add("rps", rps, "0.0");
        report.Add("p50_ms", p50, "0.000");
        report.Add("p99_ms", p99, "0.000");
        report.Add("errors", errors);
        report.WriteTo(log);
        return errors == 0 ? 0 : 1;
    }

    private async Task<long> LoopAsync(WsClient client, int index, long stopAt)
    {
        var message = new byte[_payload];
        message.AsSpan().Fill((byte)'x');
        var expected = new byte[_prefix.Length + _payload];
        _prefix.CopyTo(expected, 0);
        var numbered = Math.Min(_payload, 10);   // the round-trip number, as up to 10 zero-padded digits
        var modulus = (ulong)Math.Pow(10, numbered);
        long count = 0;
        try
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                Utf8Formatter.TryFormat((ulong)count % modulus, message.AsSpan(0, numbered), out _,
                    new StandardFormat('D', (byte)numbered));
                var sent = Stopwatch.GetTimestamp();
                await client.SendTextAsync(message).ConfigureAwait(false);
                var reply = await client.ReceiveAsync().ConfigureAwait(false);
                var received = Stopwatch.GetTimestamp();
                message.CopyTo(expected, _prefix.Length);
                if (!reply.IsText || !reply.Payload.Span.SequenceEqual(expected))
                    throw new WsProtocolException($"round trip {count}: expected '{Shorten(expected)}', got {Describe(reply)}");
                _latency.Record((received - sent) * 1_000_000 / Stopwatch.Frequency);
                count++;
            }
        }
        catch (Exception e) when (!_timedOut)
        {
            _errors.Enqueue($"connection {index}: {e.GetType().Name}: {e.Message}");
        }
        catch (Exception) when (_timedOut)
        {
            // Counted once as the timeout.
        }
        return count;
    }

    private static string Describe(WsFrame frame) => frame.IsText
        ? $"'{Shorten(frame.Payload.Span)}' ({frame.Payload.Length} bytes)"
        : $"a {frame.Opcode} message of {frame.Payload.Length} bytes";

    private static string Shorten(ReadOnlySpan<byte> text) =>
        Encoding.UTF8.GetString(text[..Math.Min(text.Length, 60)]) + (text.Length > 60 ? "…" : "");
}
