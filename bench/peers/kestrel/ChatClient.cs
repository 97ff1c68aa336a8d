using System.Net.WebSockets;
using System.Threading.Channels;

namespace KestrelPeer;

/// <summary>
/// One /chat socket's outbound side: a bounded queue of messages drained by a single writer task, so broadcasts never
/// wait for this client and never send on its socket concurrently.
/// </summary>
public sealed class ChatClient
{
    /// <summary>Messages queued per client before it counts as a slow consumer; equal to Hub's
    /// hub.websocket.outbound-queue-max-messages default.</summary>
    public const int QueueCapacity = 4096;

    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,   // TryWrite then fails instead of dropping anything silently
        });

    public ChatClient(WebSocket socket) => _socket = socket;

    public bool TryEnqueue(ReadOnlyMemory<byte> message) => _queue.Writer.TryWrite(message);

    /// <summary>No more messages; the writer ends once the queue is drained.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public void Abort()
    {
        _queue.Writer.TryComplete();
        _socket.Abort();
    }

    /// <summary>The single writer: sends queued messages in order until the queue is completed or the socket fails.</summary>
    public async Task RunWriterAsync(CancellationToken cancellationToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
                while (reader.TryRead(out var message))
                    await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The socket is gone; the reader side sees it too and cleans up.
            _socket.Abort();
        }
    }
}
