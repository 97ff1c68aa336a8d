using System.Net.Sockets;
using Akka.Actor;

namespace Hub.Server;

/// <summary>
/// The accepted connection a transport stage drives: Akka.IO's connection actor (hub.transport = akka-io) or the
/// accepted <see cref="System.Net.Sockets.Socket"/> itself (sockets).
/// </summary>
internal sealed class TransportHandle
{
    private TransportHandle(IActorRef? akkaIo, Socket? socket)
    {
        AkkaIo = akkaIo;
        Socket = socket;
    }

    public IActorRef? AkkaIo { get; }

    public Socket? Socket { get; }

    public static TransportHandle OfAkkaIo(IActorRef connection) => new(connection, null);

    public static TransportHandle OfSocket(Socket socket) => new(null, socket);
}
