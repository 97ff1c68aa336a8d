using System.Diagnostics;
using System.Text;

namespace LoadGen;

/// <summary>
/// The publisher of bench/scale: one hub.v1 WebSocket on --url; after the room's "joined" frame it publishes --marker
/// (a hub.v1 command, <c>{"type":"publish","text":…}</c>, docs/rooms-protocol.md) and prints the wall-clock time
/// (Unix ms, UTC) taken just before the send, the reference of the time-to-all that <see cref="HoldBenchmark"/> processes measure against. Then it waits (bounded by --timeout) for its
/// own message to come back through the room (the sender is a member too) and reports that round trip.
/// </summary>
internal sealed class PublishOnce
{
    private readonly WsEndpoint _endpoint;
    private readonly byte[] _marker;
    private readonly byte[] _command;
    private readonly TimeSpan _timeout;

    public PublishOnce(Arguments args)
    {
        _endpoint = WsEndpoint.Parse(args.String("url"));
        var marker = args.String("marker");
        // Sent inside a JSON string without escaping, and found again in the envelopes byte for byte.
        if (marker.Length == 0 || !marker.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new UsageException($"--marker must be ASCII letters, digits, '-', '_' or '.', was '{marker}'");
        _marker = Encoding.UTF8.GetBytes(marker);
        _command = Encoding.UTF8.GetBytes($$"""{"type":"publish","text":"{{marker}}"}""");
        _timeout = TimeSpan.FromSeconds(args.Seconds("timeout", 60, 3600));
    }

    public async Task<int> RunAsync(TextWriter log)
    {
        var report = new RunReport("publish");
        using var deadline = new CancellationTokenSource(_timeout);
        // A stuck receive ends when the deadline disposes the socket.
        using var client = await WsClient.ConnectAsync(_endpoint, deadline.Token, subprotocol: "hub.v1").ConfigureAwait(false);
        await using var _ = deadline.Token.Register(client.Dispose).ConfigureAwait(false);
        while (true)
        {
            var frame = await client.ReceiveAsync().ConfigureAwait(false);
            if (frame.Payload.Span.IndexOf("\"type\":\"joined\""u8) >= 0) break;
        }
        var publishedAt = HoldBenchmark.UnixMs();
        var sent = Stopwatch.GetTimestamp();
        await client.SendTextAsync(_command).ConfigureAwait(false);
        log.WriteLine($"PUBLISH utc_ms={publishedAt:0.0}");
        log.Flush();
        report.Add("publish_utc_ms", publishedAt, "0.0");
        while (true)
        {
            var frame = await client.ReceiveAsync().ConfigureAwait(false);
            if (frame.Payload.Span.IndexOf(_marker) < 0) continue;
            report.Add("echo_ms", Stopwatch.GetElapsedTime(sent).TotalMilliseconds, "0.00");
            break;
        }
        await client.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        report.WriteTo(log);
        return 0;
    }
}
