using System.Buffers;
using System.Net.WebSockets;

namespace KestrelPeer;

/// <summary>
/// /chat: every text message from any client is broadcast to all /chat clients, the sender included. The receive
/// loop copies each message once into its own array, which every client's queue then shares.
/// </summary>
public static class ChatEndpoint
{
    private const int BufferSize = 4096;

    /// <summary>Largest text message accepted; bigger: close 1009 (Message Too Big, RFC 6455 §7.4.1).</summary>
    private const int MaxMessageSize = 1 << 20;

    /// <summary>How long a leaving client's queued messages may take to go out before the socket is aborted.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public static async Task HandleAsync(HttpContext context, ChatRoom room)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var aborted = context.RequestAborted;
        var client = new ChatClient(socket);
        room.Join(client);
        var writer = client.RunWriterAsync(aborted);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var assembly = new ArrayBufferWriter<byte>();
        (WebSocketCloseStatus Status, string? Reason)? close = null;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    close = (socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription);
                    break;
                }
                if (received.MessageType != WebSocketMessageType.Text)
                {
                    close = (WebSocketCloseStatus.InvalidMessageType, "text only");
                    break;
                }
                if (assembly.WrittenCount + received.Count > MaxMessageSize)
                {
                    close = (WebSocketCloseStatus.MessageTooBig, "message too big");
                    break;
                }
                if (received.EndOfMessage && assembly.WrittenCount == 0)
                {
                    room.Broadcast(buffer.AsSpan(0, received.Count).ToArray());
                    continue;
                }
                assembly.Write(buffer.AsSpan(0, received.Count));
                if (!received.EndOfMessage) continue;
                room.Broadcast(assembly.WrittenSpan.ToArray());
                assembly.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away without a closing handshake.
        }
        finally
        {
            room.Leave(client);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Let the writer send what is queued, then close from this side; one send at a time on the socket.
        client.Complete();
        try { await writer.WaitAsync(DrainTimeout); }
        catch (TimeoutException) { client.Abort(); return; }   // a client that stopped reading gets no more time
        if (close is var (status, reason) && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try { await socket.CloseOutputAsync(status, reason, aborted); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
    }
}
