using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Failover;

/// <summary>
/// Publishes "<c>sequence timestamp</c>" (Stopwatch ticks of the send) to /chat every interval through one hub.v1
/// connection to a node that stays up, and drains what the room sends back.
/// </summary>
internal sealed class Publisher(Uri url, TimeSpan interval) : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    public int Sent { get; private set; }

    public async Task StartAsync()
    {
        _socket.Options.AddSubProtocol("hub.v1");
        await _socket.ConnectAsync(url, _stop.Token);
        _running = Task.WhenAll(Task.Run(PublishAsync), Task.Run(DrainAsync));
    }

    private async Task PublishAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var text = $"{Sent} {Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}";
            var command = Encoding.UTF8.GetBytes($$"""{"type":"publish","text":"{{text}}"}""");
            await _socket.SendAsync(command, WebSocketMessageType.Text, true, _stop.Token);
            Sent++;
            await Task.Delay(interval, _stop.Token);
        }
    }

    private async Task DrainAsync()
    {
        var buffer = new byte[16 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            var r = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (r.MessageType == WebSocketMessageType.Close) throw new WebSocketException("the publisher's node closed its connection");
        }
    }

    /// <summary>Throws if publishing failed before it was stopped.</summary>
    public void ThrowIfFailed()
    {
        if (_running.IsFaulted) throw new InvalidOperationException("publisher failed: " + _running.Exception!.InnerException!.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _running.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception) { /* cancelled, or failed (reported by ThrowIfFailed) */ }
        _socket.Abort();
        _socket.Dispose();
    }
}
