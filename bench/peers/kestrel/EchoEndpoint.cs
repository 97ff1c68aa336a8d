using System.Buffers;
using System.Net.WebSockets;

namespace KestrelPeer;

/// <summary>
/// /ws: every message is sent back unchanged, frame by frame (a message larger than the receive buffer is echoed in
/// pieces as it arrives, so no message is ever buffered whole). One receive and one send outstanding at a time, which
/// is what ASP.NET Core's WebSocket allows.
/// </summary>
public static class EchoEndpoint
{
    private const int BufferSize = 4096;

    public static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var aborted = context.RequestAborted;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    // Answer the client's Close with the same code (RFC 6455 §5.5.1).
                    await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure,
                        socket.CloseStatusDescription, aborted);
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away without a closing handshake: nothing left to do.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
