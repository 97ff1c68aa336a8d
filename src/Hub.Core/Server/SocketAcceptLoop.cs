using System.Net.Sockets;
using Akka.Actor;

namespace Hub.Server;

/// <summary>
/// Accepts on a listening <see cref="Socket"/> (hub.transport = sockets) and tells the listener actor each accepted
/// socket as a message, so the actor itself never waits on the socket. Ends when the listening socket is closed
/// (unbind) or fails, and says which.
/// </summary>
internal static class SocketAcceptLoop
{
    // Long enough not to spin on a full descriptor table, short against a client's connect timeout.
    private static readonly TimeSpan ResourceBackoff = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(Socket listening, IActorRef listener, bool noDelay)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await listening.AcceptAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // That client gave up before we took it; the next one may be fine.
                continue;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // Out of descriptors or kernel memory (a reconnect storm): transient, unlike a broken listening socket.
                // The pending connections wait in the backlog while closing connections free descriptors.
                listener.Tell(new ListenerProtocol.AcceptDeferred(e.SocketErrorCode));
                await Task.Delay(ResourceBackoff).ConfigureAwait(false);
                continue;
            }
            catch (SocketException e)
            {
                listener.Tell(new ListenerProtocol.AcceptLoopEnded(e));
                return;
            }
            try
            {
                accepted.NoDelay = noDelay;
            }
            catch (SocketException)
            {
                // Reset before we got to it: the transport will see that on its first receive.
            }
            listener.Tell(new ListenerProtocol.SocketAccepted(accepted));
        }
        listener.Tell(new ListenerProtocol.AcceptLoopEnded(null));
    }
}
