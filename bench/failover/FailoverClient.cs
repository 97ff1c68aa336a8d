using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace Failover;

/// <summary>
/// One hub.v1 client of /chat. It follows its position (docs/rooms-protocol.md) and, when its connection ends,
/// reconnects to <c>fallback</c> with <c>?since=</c> that position, every 100 ms until it is connected again. It
/// records when it first received a message published after the kill, whether a resume was not recovered or a reset
/// came, and every silent gap (an offset that does not follow the last one, with no reset or not-recovered
/// announcement in between: must never happen).
/// </summary>
internal sealed class FailoverClient(int node, Uri url, Uri fallback)
{
    private string? _epoch;
    private long _offset;
    private bool _announced;

    public int Node { get; } = node;

    /// <summary>Stopwatch timestamp after which a delivered message counts as "receiving again"; 0 before the kill.</summary>
    public long KilledAt;

    /// <summary>Stopwatch timestamp of the first message published after <see cref="KilledAt"/> (0 = none yet).</summary>
    public long RecoveredAt;

    /// <summary>When the connection to the fallback node was open (0 = it never had to reconnect).</summary>
    public long ReconnectedAt;

    public long Received;
    public int SilentGaps;
    public bool NotRecovered;
    public bool ResetAfterKill;
    public string? FirstGap;

    public async Task RunAsync(CancellationToken stop)
    {
        var target = url;
        var reconnecting = false;
        var buffer = new byte[64 * 1024];
        while (!stop.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            socket.Options.AddSubProtocol("hub.v1");
            var since = _epoch is null ? "" : $"?since={_epoch}:{_offset.ToString(CultureInfo.InvariantCulture)}";
            try
            {
                await socket.ConnectAsync(new Uri(target, target.AbsolutePath + since), stop);
                if (reconnecting) ReconnectedAt = Stopwatch.GetTimestamp();
                var message = new MemoryStream();
                while (true)
                {
                    var r = await socket.ReceiveAsync(buffer, stop);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    message.Write(buffer, 0, r.Count);
                    if (!r.EndOfMessage) continue;
                    OnFrame(message.GetBuffer().AsSpan(0, (int)message.Length));
                    message.SetLength(0);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (WebSocketException)
            {
                // The node died under this connection, or refused the reconnect: retry below.
            }
            if (stop.IsCancellationRequested) return;
            // Whatever node it was on is gone or going: resume on a survivor.
            target = fallback;
            reconnecting = true;
            try { await Task.Delay(100, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private void OnFrame(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        var type = root.GetProperty("type").GetString();
        var epoch = root.TryGetProperty("epoch", out var e) ? e.GetString() : null;
        var offset = root.TryGetProperty("offset", out var o) ? o.GetInt64() : 0;
        switch (type)
        {
            case "joined" when root.GetProperty("recovered").GetBoolean():
                var from = offset - root.GetProperty("missed").GetInt64();
                if (_epoch is not null && (epoch != _epoch || from != _offset)) Gap($"recovered join at {epoch}:{from} after {_epoch}:{_offset}");
                (_epoch, _offset) = (epoch, from);
                break;
            case "joined":
                NotRecovered = true;
                _announced = true;
                (_epoch, _offset) = (epoch, offset);
                break;
            case "reset":
                if (Volatile.Read(ref KilledAt) != 0) ResetAfterKill = true;
                _announced = true;
                (_epoch, _offset) = (epoch, offset);
                break;
            case "message":
                if (_epoch is not null && !_announced && (epoch != _epoch || offset != _offset + 1)) Gap($"{epoch}:{offset} after {_epoch}:{_offset}");
                (_epoch, _offset, _announced) = (epoch, offset, false);
                Received++;
                var text = root.GetProperty("text").GetString()!;
                var sentAt = long.Parse(text.AsSpan(text.IndexOf(' ') + 1), CultureInfo.InvariantCulture);
                var killedAt = Volatile.Read(ref KilledAt);
                if (killedAt != 0 && sentAt > killedAt && RecoveredAt == 0) Volatile.Write(ref RecoveredAt, Stopwatch.GetTimestamp());
                break;
        }
    }

    private void Gap(string what)
    {
        SilentGaps++;
        FirstGap ??= what;
    }
}
