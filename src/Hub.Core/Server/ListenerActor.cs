using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Hub.Configuration;
using Hub.Dispatch;
using Hub.Diagnostics;

namespace Hub.Server;

/// <summary>
/// Binds one endpoint and makes one <see cref="ConnectionActor"/> child per accepted connection: with
/// hub.transport = akka-io through Akka.IO (pull mode: every connection starts with reading suspended), with
/// sockets through a listening <see cref="Socket"/> whose accept loop tells this actor each accepted socket.
/// Connections over max-connections are aborted at once. Children are stopped, never restarted, when they fail;
/// one connection's failure is logged with its id and touches nothing else. Akka.IO ties every accepted connection
/// to this actor's life, so unbinding keeps it alive; the sockets transport keeps the same order (unbinding closes
/// what is still open).
/// </summary>
internal sealed class ListenerActor : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    private readonly Application _app;
    private readonly HubSettings _settings;
    private readonly EndPoint _endpoint;
    private readonly TaskCompletionSource<EndPoint> _bound;
    private readonly Tls.TlsServerContext? _tls;
    private readonly IMaterializer _materializer;
    private readonly ArrayPool<byte>? _socketBuffers;
    private Socket? _listeningSocket;
    // The connection actors (the materializer's stream supervisor is a child too, and must not get Drain).
    private readonly HashSet<IActorRef> _connections = new();
    private ConnectionGraph _graph = null!;
    private readonly DrainSignal _drain = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef _tcpListener = ActorRefs.Nobody;
    private ListenerTelemetry _telemetry = ListenerTelemetry.Unbound;
    private int _open;
    private long _accepted;
    private long _refused;
    private readonly List<IActorRef> _drainWaiters = new();
    private readonly List<IActorRef> _unbindWaiters = new();
    private bool _unbindSent;
    private bool _portReleased;

    public ListenerActor(Application app, HubSettings settings, EndPoint endpoint, TaskCompletionSource<EndPoint> bound,
        ArrayPool<byte>? socketBuffers, Tls.TlsServerContext? tls)
    {
        _socketBuffers = socketBuffers;
        _tls = tls;
        _app = app;
        _settings = settings;
        _endpoint = endpoint;
        _bound = bound;
        // Streams are supervised under this listener: they cannot outlive the socket that accepted them anyway.
        // On Hub's connection dispatcher, whose mailbox starts empty instead of at ~1 KB per stream interpreter.
        _materializer = Context.Materializer(
            ActorMaterializerSettings.Create(Context.System).WithDispatcher(ConnectionDispatcher.Id), namePrefix: "connection");
        Binding();
    }

    /// <summary>A listener for <paramref name="app"/> on <paramref name="endpoint"/>; <paramref name="bound"/>
    /// completes with the bound address. <paramref name="socketBuffers"/> is the pool of the sockets transport's
    /// buffers (null: the shared pool; tests pass a counting one); <paramref name="tls"/> is set for a TLS listener
    /// (certificates already loaded, disposed with the listener).</summary>
    public static Props Props(Application app, HubSettings settings, EndPoint endpoint, TaskCompletionSource<EndPoint> bound,
        ArrayPool<byte>? socketBuffers = null, Tls.TlsServerContext? tls = null) =>
        Akka.Actor.Props.Create(() => new ListenerActor(app, settings, endpoint, bound, socketBuffers, tls));

    protected override void PreStart()
    {
        if (_settings.Transport == HubTransport.Sockets)
        {
            BindSocket();
            return;
        }
        // Buffer sizes set on the listening socket are inherited by every socket it accepts. (Akka.IO sets
        // TCP_NODELAY on every connection itself; hub.server.tcp-nodelay is for the sockets transport.)
        var options = new List<Inet.SocketOption>(2);
        if (_settings.Server.SocketSendBuffer is { } send) options.Add(new Inet.SO.SendBufferSize(send));
        if (_settings.Server.SocketReceiveBuffer is { } receive) options.Add(new Inet.SO.ReceiveBufferSize(receive));
        Context.System.Tcp().Tell(new Tcp.Bind(Self, _endpoint, _settings.Server.Backlog, options, pullMode: true));
    }

    /// <summary>hub.transport = sockets: bind and listen (neither waits), then accept in a loop off this actor.</summary>
    private void BindSocket()
    {
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted server may bind its port while the last run's connections are in TIME_WAIT; Windows'
            // SO_REUSEADDR would let two listeners share the port instead.
            if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            // Inherited by every accepted socket.
            if (_settings.Server.SocketSendBuffer is { } send) socket.SendBufferSize = send;
            if (_settings.Server.SocketReceiveBuffer is { } receive) socket.ReceiveBufferSize = receive;
            socket.Bind(_endpoint);
            socket.Listen(_settings.Server.Backlog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            _bound.TrySetException(new BindFailedException(_endpoint, e));
            Context.Stop(Self);
            return;
        }
        _listeningSocket = socket;
        OnBound(socket.LocalEndPoint!);
        _ = SocketAcceptLoop.RunAsync(socket, Self, _settings.Server.TcpNoDelay);
    }

    protected override void PostStop()
    {
        _bound.TrySetException(new InvalidOperationException($"listener for {_endpoint} stopped before binding"));
        _listeningSocket?.Dispose();
        _graph?.Dispose(); // its connections (children) have stopped by now
        _tls?.Dispose();
    }

    // Connections are stopped on failure, never restarted (Akka.IO's own policy for connection handlers). Akka logs
    // the failure with the child's path, which carries the connection id ("c-<id>").
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void Binding()
    {
        Receive<Tcp.Bound>(b =>
        {
            _tcpListener = Sender;
            OnBound(b.LocalAddress);
        });
        Receive<Tcp.CommandFailed>(f =>
        {
            var cause = f.Cause.HasValue ? f.Cause.Value : null;
            _bound.TrySetException(new BindFailedException(_endpoint, cause));
            Context.Stop(Self);
        });
    }

    private void OnBound(EndPoint local)
    {
        _log.Debug("bound {0}", local);
        // Port 0 binds an ephemeral port: the tag carries the one actually bound.
        _telemetry = new ListenerTelemetry((local as IPEndPoint)?.Port ?? 0, AccessLog.For(Context.System, _settings.Http.AccessLog));
        // The blueprint every connection runs, fused once its telemetry (the bound port) is known.
        _graph = new ConnectionGraph(_settings, _materializer, _telemetry, _socketBuffers, _tls);
        _bound.TrySetResult(local);
        Become(Accepting);
    }

    // Akka.IO makes every accepted connection a child of its listening-socket actor, which stops on Tcp.Unbind:
    // unbinding closes every open connection. So a graceful stop first refuses new connections (accept, abort),
    // drains the open ones, and only then unbinds.
    private void Accepting()
    {
        Receive<Tcp.Connected>(c => Accept(TransportHandle.OfAkkaIo(Sender), c.RemoteAddress));
        Receive<ListenerProtocol.SocketAccepted>(a => AcceptSocket(a.Socket));
        CommonMessages();
        TrackConnections(afterChange: null);
        Receive<ListenerProtocol.StopAccepting>(_ =>
        {
            Become(Refusing);
            Sender.Tell(ListenerProtocol.StoppedAccepting.Instance);
        });
        Receive<ListenerProtocol.Drain>(_ => StartDrain(Sender));
    }

    private void Refusing()
    {
        RefuseNewConnections();
        CommonMessages();
        TrackConnections(afterChange: null);
        Receive<ListenerProtocol.StopAccepting>(_ => Sender.Tell(ListenerProtocol.StoppedAccepting.Instance));
        Receive<ListenerProtocol.Drain>(_ => StartDrain(Sender));
    }

    private void StartDrain(IActorRef requester)
    {
        _drainWaiters.Add(requester);
        _drain.Start();
        foreach (var connection in _connections) connection.Tell(ListenerProtocol.Drain.Instance);
        Become(Draining);
        CheckDrained();
    }

    private void Draining()
    {
        RefuseNewConnections();
        CommonMessages();
        TrackConnections(afterChange: CheckDrained);
        Receive<ListenerProtocol.LingerGraceElapsed>(_ => Self.Tell(ListenerProtocol.Unbind.Instance));
        Receive<ListenerProtocol.StopAccepting>(_ => Sender.Tell(ListenerProtocol.StoppedAccepting.Instance));
        Receive<ListenerProtocol.Drain>(_ =>
        {
            _drainWaiters.Add(Sender);
            CheckDrained();
        });
    }

    private void Unbinding()
    {
        RefuseNewConnections();
        Receive<Tcp.Unbound>(_ => OnUnbound());
        Receive<ListenerProtocol.AcceptLoopEnded>(_ => OnUnbound());
        CommonMessages();
        TrackConnections(afterChange: null);
        Receive<ListenerProtocol.StopAccepting>(_ => Sender.Tell(ListenerProtocol.StoppedAccepting.Instance));
        Receive<ListenerProtocol.Drain>(_ => Sender.Tell(ListenerProtocol.Drained.Instance));
    }

    private void Unbound()
    {
        CommonMessages();
        RefuseNewConnections();
        TrackConnections(afterChange: null);
        Receive<ListenerProtocol.StopAccepting>(_ => Sender.Tell(ListenerProtocol.StoppedAccepting.Instance));
        Receive<ListenerProtocol.Drain>(_ => Sender.Tell(ListenerProtocol.Drained.Instance));
    }

    private void OnUnbound()
    {
        _portReleased = true;
        _log.Info("Hub stopped listening on {0}", _endpoint);
        foreach (var w in _unbindWaiters) w.Tell(ListenerProtocol.Unbound.Instance);
        _unbindWaiters.Clear();
        Become(Unbound);
    }

    private void RefuseNewConnections()
    {
        Receive<Tcp.Connected>(_ => Refuse(TransportHandle.OfAkkaIo(Sender), maxConnections: false));
        Receive<ListenerProtocol.SocketAccepted>(a => Refuse(TransportHandle.OfSocket(a.Socket), maxConnections: false));
    }

    /// <summary>Keeps the open (actor alive) and streaming (response not yet out) counts, in every state.</summary>
    private void TrackConnections(Action? afterChange)
    {
        Receive<Terminated>(t =>
        {
            _open--;
            _connections.Remove(t.ActorRef);
            _streaming.Remove(t.ActorRef);
            afterChange?.Invoke();
        });
        Receive<ListenerProtocol.StreamEnded>(_ =>
        {
            _streaming.Remove(Sender);
            afterChange?.Invoke();
        });
    }

    private void Refuse(TransportHandle connection, bool maxConnections)
    {
        _refused++;
        HubMetrics.ConnectionRejected(maxConnections, _telemetry.ServerPort);
        if (connection.AkkaIo is { } akkaIo) akkaIo.Tell(Tcp.Abort.Instance);
        else if (connection.Socket is { } socket) Reset(socket);
    }

    /// <summary>Closes with a reset (SO_LINGER 0), as Akka.IO's Abort does.</summary>
    private static void Reset(Socket socket)
    {
        try { socket.LingerState = new LingerOption(true, 0); }
        catch (SocketException) { }
        socket.Dispose();
    }

    private void CommonMessages()
    {
        Receive<ListenerProtocol.GetStats>(_ => Sender.Tell(new ListenerProtocol.Stats(_open, _accepted, _refused)));
        Receive<ListenerProtocol.AbortAll>(_ =>
        {
            foreach (var connection in _connections) Context.Stop(connection);
        });
        Receive<ListenerProtocol.AcceptDeferred>(d =>
            _log.Warning("Hub cannot accept on {0} for now ({1}); retrying", _endpoint, d.Error));
        // The accept loop ended without an unbind: the listening socket failed (Akka.IO's listener stops then too).
        Receive<ListenerProtocol.AcceptLoopEnded>(e =>
        {
            _log.Error(e.Failure, "Hub cannot accept on {0} any more; stopping the listener", _endpoint);
            Context.Stop(Self);
        });
        Receive<ListenerProtocol.WhenUnbound>(_ =>
        {
            if (_portReleased) Sender.Tell(ListenerProtocol.Unbound.Instance);
            else _unbindWaiters.Add(Sender);
        });
        Receive<ListenerProtocol.Unbind>(_ =>
        {
            if (_portReleased)
            {
                Sender.Tell(ListenerProtocol.Unbound.Instance);
                return;
            }
            if (!Sender.Equals(Self)) _unbindWaiters.Add(Sender);
            if (_unbindSent) return;
            _unbindSent = true;
            // Unbinding for another reason (the last socket closed, service-stop) makes the grace moot.
            Timers.Cancel("linger-grace");
            Become(Unbinding);
            if (_listeningSocket is null)
            {
                _tcpListener.Tell(Tcp.Unbind.Instance);
                return;
            }
            // What unbinding means with Akka.IO (it closes the connections it accepted), the sockets transport does
            // itself; closing the listening socket ends the accept loop, which then reports AcceptLoopEnded.
            foreach (var connection in _connections) Context.Stop(connection);
            _listeningSocket.Dispose();
        });
    }

    /// <summary>
    /// Drained = every response is out. Unbinding resets whatever Akka.IO still holds, so sockets still lingering
    /// (waiting for their client's FIN, response bytes maybe still in the kernel) get a short grace first.
    /// </summary>
    private void CheckDrained()
    {
        if (_streaming.Count > 0) return;
        foreach (var w in _drainWaiters) w.Tell(ListenerProtocol.Drained.Instance);
        _drainWaiters.Clear();
        if (_open == 0) Self.Tell(ListenerProtocol.Unbind.Instance);
        else if (!_graceScheduled)
        {
            _graceScheduled = true;
            Timers.StartSingleTimer("linger-grace", ListenerProtocol.LingerGraceElapsed.Instance, _settings.Server.UnbindGrace);
        }
    }

    private bool _graceScheduled;
    private readonly HashSet<IActorRef> _streaming = new();

    private void AcceptSocket(Socket socket)
    {
        EndPoint? remote;
        try { remote = socket.RemoteEndPoint; }
        catch (SocketException) { remote = null; }
        if (remote is null)
        {
            // Reset before we got to it.
            socket.Dispose();
            return;
        }
        Accept(TransportHandle.OfSocket(socket), remote);
    }

    private void Accept(TransportHandle connection, EndPoint remote)
    {
        if (_settings.Server.MaxConnections is { } max && _open >= max)
        {
            // Refuse at once rather than queue: the client learns immediately and can go elsewhere.
            Refuse(connection, maxConnections: true);
            return;
        }
        var id = ConnectionIds.Next();
        var child = Context.ActorOf(ConnectionActor.Props(connection, remote, _app, _settings, _graph, _drain, id, _telemetry), "c-" + id);
        Context.Watch(child);
        _connections.Add(child);
        _streaming.Add(child);
        _open++;
        _accepted++;
        HubMetrics.ConnectionAccepted(_telemetry.ServerPort);
    }
}

/// <summary>The endpoint could not be bound (port in use, address not available, permission denied).</summary>
public sealed class BindFailedException(EndPoint endpoint, Exception? cause)
    : Exception($"cannot bind {endpoint}{(cause is null ? "" : ": " + cause.Message)}", cause)
{
    public EndPoint EndPoint { get; } = endpoint;
}
