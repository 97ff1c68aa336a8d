using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Hub.Cluster.Tests.Support;

/// <summary>A ClientWebSocket whose received text messages are read in the background into a channel.</summary>
public sealed class SocketClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws;
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly Task _reader;

    private SocketClient(ClientWebSocket ws)
    {
        _ws = ws;
        _reader = Task.Run(ReadLoopAsync);
    }

    public static async Task<SocketClient> ConnectAsync(int port, string path)
    {
        var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}"), cts.Token);
        return new SocketClient(ws);
    }

    public Task SendAsync(string text) =>
        _ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next received message that starts with <paramref name="prefix"/> (others are skipped).</summary>
    public async Task<string> ReceiveAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var message = await _received.Reader.ReadAsync(cts.Token);
            if (message.StartsWith(prefix, StringComparison.Ordinal)) return message;
        }
    }

    /// <summary>Like <see cref="ReceiveAsync"/>, or null when nothing matching arrives within <paramref name="timeout"/>.</summary>
    public async Task<string?> TryReceiveAsync(string prefix, TimeSpan timeout)
    {
        try { return await ReceiveAsync(prefix, timeout); }
        catch (OperationCanceledException) { return null; }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (_ws.State == WebSocketState.Open)
            {
                var r = await _ws.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                _received.Writer.TryWrite(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                message.SetLength(0);
            }
        }
        // Dispose aborts the socket under a pending receive.
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException) { }
        finally { _received.Writer.TryComplete(); }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (_ws.State == WebSocketState.Open)
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        _ws.Abort();
        await _reader.WaitAsync(TimeSpan.FromSeconds(5));
        _ws.Dispose();
    }
}
