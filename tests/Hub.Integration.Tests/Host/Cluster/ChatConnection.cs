using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Hub.Integration.Tests.Host.Cluster;

/// <summary>
/// A ClientWebSocket on the demo's /chat that reads in the background and records every frame, parsed. With
/// <c>positions</c> it selects subprotocol <c>hub.v1</c> (JSON publish commands; a <c>joined</c> frame first; resets
/// announced), as a client that tracks positions does; without, it publishes raw text and asks for envelopes with
/// <c>?envelope=1</c> (the chat's default is plain text, which carries no position to check).
/// </summary>
public sealed class ChatConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly bool _positions;
    private readonly List<RoomFrame> _frames = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private ChatConnection(ClientWebSocket socket, bool positions)
    {
        _socket = socket;
        _positions = positions;
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>Why the connection ended: the server's close code, or null while open or when it broke without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>Set once the server closed the connection or it broke.</summary>
    public bool Ended { get; private set; }

    public IReadOnlyList<RoomFrame> Frames
    {
        get { lock (_frames) return _frames.ToArray(); }
    }

    public IReadOnlyList<RoomFrame> Messages => Frames.Where(f => f.IsMessage).ToArray();

    public IReadOnlyList<string> Texts => Messages.Select(f => f.Text!).ToArray();

    /// <summary>Connects to <paramref name="path"/> (the demo's /chat, or any /rooms/{room}: the same protocol).</summary>
    public static async Task<ChatConnection> ConnectAsync(int port, bool positions, string? since = null, string path = "/chat")
    {
        var socket = new ClientWebSocket();
        if (positions) socket.Options.AddSubProtocol("hub.v1");
        var query = since is not null ? "?since=" + Uri.EscapeDataString(since) : positions ? "" : "?envelope=1";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{path}{query}"), timeout.Token);
        return new ChatConnection(socket, positions);
    }

    /// <summary>Publishes <paramref name="text"/> to the room (a hub.v1 publish command, or the raw text); with
    /// <paramref name="id"/> (hub.v1 only) the server answers <c>published</c> or <c>publish-failed</c>.</summary>
    public async Task PublishAsync(string text, string? id = null)
    {
        var frame = !_positions ? text
            : id is null ? JsonSerializer.Serialize(new { type = "publish", text })
            : JsonSerializer.Serialize(new { type = "publish", text, id });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>Polls (bounded) until <paramref name="condition"/> holds for the frames received so far.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<RoomFrame>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Frames))
        {
            if (DateTime.UtcNow > deadline)
            {
                var frames = Frames;
                throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0} s: {frames.Count} frames, " +
                                           $"ended {Ended} ({CloseStatus}), last: {string.Join(" | ", frames.TakeLast(3))}");
            }
            await Task.Delay(50);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = result.CloseStatus;
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var frame = RoomFrame.Parse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                message.SetLength(0);
                lock (_frames) _frames.Add(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Broken (a killed node) or disposed: Ended tells the test.
        }
        finally
        {
            Ended = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading.WaitAsync(TimeSpan.FromSeconds(10));
        _socket.Dispose();
        _stop.Dispose();
    }
}
