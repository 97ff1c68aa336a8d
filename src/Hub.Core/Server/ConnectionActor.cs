using System.Net;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Hub.Configuration;
using Hub.Dispatch;
using Hub.Diagnostics;
using Hub.Handlers;
using Hub.Http;
using Hub.Messages;
using Hub.WebSockets;

namespace Hub.Server;

/// <summary>
/// Owns one TCP connection: materialises its stream (transport ⇄ HTTP codec ⇄ bridge), routes each request and runs
/// its handler. Requests are handled strictly one after another (the next inbound element is only acked for once
/// the previous one is done); hook continuations run as messages to this actor (<see cref="ActorSynchronizationContext"/>),
/// so handler code is single-threaded, like Tornado's IOLoop, without blocking a thread — and while a handler awaits,
/// control messages (client gone, drain, close) are still handled. Stopped, never restarted, on failure.
/// </summary>
internal sealed class ConnectionActor : ReceiveActor, IWithUnboundedStash
{
    public IStash Stash { get; set; } = null!;

    private readonly TransportHandle _transport;
    private readonly IPEndPoint? _remote;
    private readonly Application _app;
    private readonly HubSettings _settings;
    private readonly ConnectionGraph _graph;
    private readonly DrainSignal _drainSignal;
    private readonly string _id;
    private readonly ListenerTelemetry _telemetry;
    private bool _countedAsWebSocket;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ConnectionSignals _signals = new();
    private readonly ActorSynchronizationContext _sync;
    private IActorRef _bridge = ActorRefs.Nobody;
    private HandlerHost? _current;
    private WebSocketHandler? _socket;
    private readonly IRooms _rooms;
    private bool _inputClosed;
    private bool _closing;
    private bool _outputClosed;
    private bool _streamTerminated;
    private bool _transportStopped;
    private int _runningHooks;

    public ConnectionActor(TransportHandle transport, EndPoint remote, Application app, HubSettings settings, ConnectionGraph graph,
        DrainSignal drainSignal, string id, ListenerTelemetry telemetry)
    {
        _drainSignal = drainSignal;
        _telemetry = telemetry;
        _sync = new ActorSynchronizationContext(Self);
        _rooms = Hosting.HubExtension.Get(Context.System).Rooms;
        _transport = transport;
        _remote = remote as IPEndPoint;
        _app = app;
        _settings = settings;
        _graph = graph;
        _id = id;

        Receive<ConnectionProtocol.Attached>(a => _bridge = a.Bridge);
        Receive<ConnectionProtocol.Inbound>(m => RunHook(() => OnInboundAsync(m), "request"));
        Receive<ActorSynchronizationContext.Continuation>(c => _sync.Run(() =>
        {
            c.Callback(c.State);
            return 0;
        }));
        Receive<ConnectionProtocol.InputClosed>(_ =>
        {
            _inputClosed = true;
            if (_socket is not null)
            {
                _socket.NotifyClosed(CloseCodes.AbnormalClosure, "");
                CloseOutput();
            }
            else if (_current is null) CloseOutput();
            else _current.NotifyConnectionClosed();
        });
        Receive<ConnectionProtocol.StreamTerminated>(_ =>
        {
            _streamTerminated = true;
            Context.Parent.Tell(ListenerProtocol.StreamEnded.Instance);
            _socket?.NotifyClosed(CloseCodes.AbnormalClosure, "");
            StopWhenDone();
        });
        Receive<ConnectionProtocol.TransportFailed>(f =>
            // One structured line per failed connection, whatever failed (reset, write error, socket error).
            _log.Warning("Connection {ConnectionId} from {RemoteAddress} failed: {Error}", _id, remote, f.Cause));
        Receive<ConnectionProtocol.TransportStopped>(_ =>
        {
            _transportStopped = true;
            StopWhenDone();
        });
        Receive<ConnectionProtocol.SlowConsumer>(_ =>
            _log.Warning("[{0}] slow consumer: outbound queue full, closing with 1008", _id));
        Receive<CloseConnection>(c =>
        {
            if (_socket is not null) _socket.Close(c.Code, c.Reason);
            else CloseWhenIdle();
        });
        Receive<ListenerProtocol.Drain>(_ =>
        {
            if (_socket is not null) _socket.Close(CloseCodes.GoingAway, "server shutting down");
            else CloseWhenIdle();
        });
        ReceiveAny(message =>
        {
            if (_socket is null && _current is not null)
            {
                // A request is in progress and may be an upgrade whose OpenAsync is still running: the message is
                // for the socket it becomes, so it waits until the socket is open (or the request is over).
                Stash.Stash();
                return;
            }
            if (_socket is null)
            {
                Unhandled(message);
                return;
            }
            RunHook(async () =>
            {
                try { await _socket.DispatchActorMessageAsync(message).ConfigureAwait(true); }
                catch (Exception e) { FailSocket(e, nameof(WebSocketHandler.OnActorMessageAsync)); }
            }, "actor message");
        });
    }

    public static Props Props(TransportHandle transport, EndPoint remote, Application app, HubSettings settings, ConnectionGraph graph,
        DrainSignal drainSignal, string id, ListenerTelemetry? telemetry = null)
    {
        var t = telemetry ?? ListenerTelemetry.Unbound;
        return Akka.Actor.Props.Create(() => new ConnectionActor(transport, remote, app, settings, graph, drainSignal, id, t))
            .WithDispatcher(ConnectionDispatcher.Id);
    }

    public string Id => _id;

    protected override void PreStart()
    {
        HubMetrics.ConnectionOpened(webSocket: false, _telemetry.ServerPort);
        _graph.Run(_transport, Self, _signals);
    }

    /// <summary>
    /// Starts hook code inline with the actor's synchronization context current: it runs to its first real await
    /// right here, and each continuation comes back as a message. A fault that escapes HandlerHost (a bug) ends
    /// the connection rather than leaving it hanging.
    /// </summary>
    private async Task TrackAsync(Func<Task> hook)
    {
        _runningHooks++;
        try
        {
            await hook().ConfigureAwait(true);
        }
        finally
        {
            // Back on the actor (the context brings continuations here).
            _runningHooks--;
            StopWhenDone();
        }
    }

    /// <summary>
    /// Stop once the stream has ended, the socket is closed for good (after any lingering drain), and no hook is
    /// still running (a hook awaiting when the stream ended resumes with failed flushes and a fired token).
    /// </summary>
    private void StopWhenDone()
    {
        if (_streamTerminated && _transportStopped && _runningHooks == 0) Context.Stop(Self);
    }

    private void RunHook(Func<Task> hook, string what)
    {
        var task = _sync.Run(() => TrackAsync(hook));
        if (task.IsCompletedSuccessfully) return;
        task.ContinueWith(static (t, state) =>
        {
            var (self, log, id, name) = ((IActorRef, ILoggingAdapter, string, string))state!;
            log.Error(t.Exception, "[{0}] {1} failed; closing the connection", id, name);
            self.Tell(PoisonPill.Instance);
        }, (Self, _log, _id, what), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    protected override void PostStop()
    {
        HubMetrics.ConnectionClosed(_countedAsWebSocket, _telemetry.ServerPort);
        _current?.Dispose();
        // If the actor stops first (a bug, a stop from the listener) the stream must not outlive it.
        if (!_streamTerminated) _bridge.Tell(ConnectionProtocol.Abort.Instance);
        _signals.Terminate();
    }

    private async Task OnInboundAsync(ConnectionProtocol.Inbound message)
    {
        switch (message.Element)
        {
            case HttpInbound.Head head:
                await OnHeadAsync(head).ConfigureAwait(true);
                break;
            case HttpInbound.BodyPart part:
                if (_current is null) { Ack(); break; }
                _current.Context.AckPending = true;
                await _current.OnBodyAsync(part.Data).ConfigureAwait(true);
                AckIfPending(_current?.Context);
                break;
            case HttpInbound.End:
                if (_current is null) { Ack(); break; }
                _current.Context.AckPending = true;
                await _current.OnEndAsync().ConfigureAwait(true);
                EndRequest();
                break;
            case HttpInbound.Rejected rejected:
                OnRejected(rejected);
                break;
            case WsInbound.Message m:
                if (_socket is not null)
                {
                    try { await _socket.OnMessageAsync(new WsMessage(m.IsText, m.Payload)).ConfigureAwait(true); }
                    catch (Exception e) { FailSocket(e, nameof(WebSocketHandler.OnMessageAsync)); }
                }
                Ack();
                break;
            case WsInbound.Pong p:
                if (_socket is not null)
                {
                    try { _socket.OnPong(p.Payload); }
                    catch (Exception e) { FailSocket(e, nameof(WebSocketHandler.OnPong)); }
                }
                Ack();
                break;
            case WsInbound.Closed c:
                _socket?.NotifyClosed(c.Code, c.Reason);
                // Behind every frame the handler wrote while handling the messages before the peer's Close.
                if (c.ReplyPending) _bridge.Tell(new ConnectionProtocol.Outbound(WsOutbound.CloseReply.Instance, null, false, false), Self);
                Ack();
                break;
        }
    }

    /// <summary>An exception in socket handler code: logged with the connection id (and user), socket closed with 1011.</summary>
    private void FailSocket(Exception e, string hook)
    {
        _log.Error(e, "[{0}] {1}.{2} failed; closing with 1011", _socket!.Context.LogTag, _socket.GetType().Name, hook);
        _socket.Close(CloseCodes.InternalError, "internal error");
    }

    private async Task OnHeadAsync(HttpInbound.Head head)
    {
        var requestHead = head.Request;
        var (remoteIp, protocol) = ForwardedHeaders.Resolve(requestHead.Headers, _remote, _settings.Http.TrustedProxies);
        var request = new HttpRequest(requestHead, _remote, remoteIp, protocol);
        // The context adds the listener's drain signal itself.
        var closeAfter = !requestHead.KeepAlive || _closing;

        RequestHandler handler;
        var values = Routing.RouteValues.Empty;
        // "OPTIONS *" asks about the server, not a resource (RFC 9110 §9.3.7).
        var match = requestHead.RawPath == "*" ? null : _app.Routes.Match(requestHead.RawPath);
        Exception? createFailure = null;
        if (match is { } m)
        {
            values = m.Values;
            try { handler = m.Route.Factory.Create(_app.Services); }
            catch (Exception e) { handler = new ErrorHandler(); createFailure = e; }
        }
        else handler = new ErrorHandler();

        var ctx = NewContext(request, values, closeAfter);
        ctx.AckPending = true;
        _current = new HandlerHost(handler, ctx);

        if (requestHead.RawPath == "*")
        {
            if (head.BodyFollows && requestHead.ExpectContinue) ctx.CloseAfterResponse = true;
            handler.SetStatus(204);
            handler.SetHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            handler.Finish();
        }
        else if (match is null || createFailure is not null)
        {
            if (createFailure is not null) _log.Error(createFailure, "[{0}] cannot create handler for {1}", _id, request.Uri);
            // A body may still follow: it is read and dropped, unless the client is waiting for 100-continue.
            if (head.BodyFollows && requestHead.ExpectContinue) ctx.CloseAfterResponse = true;
            handler.SendError(createFailure is null ? 404 : 500, createFailure);
        }
        else
        {
            await _current.OnHeadAsync(request, head.BodyFollows).ConfigureAwait(true);
        }

        if (ctx.Upgraded && handler is WebSocketHandler socket)
        {
            // From here on the handler lives as long as the socket; OpenAsync has run, so messages may flow.
            _socket = socket;
            _countedAsWebSocket = true;
            HubMetrics.ConnectionUpgraded(_telemetry.ServerPort);
            _current.Dispose();
            _current = null;
            AckIfPending(ctx);
            Stash.UnstashAll();
            return;
        }
        if (head.BodyFollows) AckIfPending(ctx);
        else EndRequest();
    }

    /// <summary>Acks the inbound element <paramref name="ctx"/> is handling, unless its response already carried the ack.</summary>
    private void AckIfPending(HandlerContext? ctx)
    {
        if (ctx is not { AckPending: true }) return;
        ctx.AckPending = false;
        Ack();
    }

    private void OnRejected(HttpInbound.Rejected rejected)
    {
        var status = rejected.Status;
        if (_current is { } active && active.Context.HeadersSent)
        {
            // Mid-response there is no way to answer: cut the connection.
            if (!active.Context.ResponseComplete) active.Context.AbortResponse();
            _current.Dispose();
            _current = null;
            CloseOutput();
            return;
        }
        _log.Debug("[{0}] rejected request from {1}: {2} ({3})", _id, _remote, status, rejected.Reason);
        var ctx = _current?.Context;
        var request = ctx?.Request;
        _current?.Dispose();
        _current = null;
        if (ctx is not null && ctx.ResponseComplete)
        {
            CloseOutput();
            return;
        }
        var handler = new ErrorHandler();
        handler.Attach(NewContext(request ?? PlaceholderRequest(), Routing.RouteValues.Empty, closeAfterResponse: true));
        handler.SendError(status, new HttpError(status, Http.Codec.HttpRejection.MessageOf(rejected.Reason)));
        _closing = true;
    }

    private HandlerContext NewContext(HttpRequest request, Routing.RouteValues values, bool closeAfterResponse) =>
        new(request, values, _app, _settings, _signals, _bridge, Self, _log, _id, closeAfterResponse, _drainSignal)
        {
            Rooms = _rooms,
            Telemetry = _telemetry,
        };

    /// <summary>A request that failed before its head parsed still needs a request object for the error page.</summary>
    private HttpRequest PlaceholderRequest()
    {
        var head = new Http.Codec.RequestHead
        {
            Method = "GET", Target = "/", RawPath = "/", RawQuery = "", Version = Http.HttpVersion.Http11,
            Headers = new HttpHeaders(), Host = "", Framing = Http.Codec.BodyFraming.None, ContentLength = 0,
            KeepAlive = false, ExpectContinue = false, IsUpgrade = false,
        };
        var ip = _remote?.Address.ToString() ?? "";
        return new HttpRequest(head, _remote, ip, "http");
    }

    /// <summary>The request is over (response complete, body consumed): release it and take the next.</summary>
    private void EndRequest()
    {
        var current = _current;
        _current = null;
        if (current is null) return;
        Stash.UnstashAll();
        current.Dispose();
        if (!current.Context.ResponseComplete)
        {
            // A handler that neither finished nor failed (cannot happen through HandlerHost): do not hang.
            current.Context.AbortResponse();
        }
        if (current.Context.CloseAfterResponse) _closing = true;
        if (current.Context.AckPending) Ack();
        current.Context.AckPending = false;
        if (_inputClosed && !_closing) CloseOutput();
    }

    private void Ack() => _bridge.Tell(new ConnectionProtocol.Outbound(null, null, AckInbound: true, CloseAfter: false), Self);

    private void CloseWhenIdle()
    {
        if (_current is null) CloseOutput();
        else _current.Context.CloseAfterResponse = true;
    }

    private void CloseOutput()
    {
        _closing = true;
        if (_outputClosed) return;
        _outputClosed = true;
        _bridge.Tell(new ConnectionProtocol.Outbound(null, null, AckInbound: false, CloseAfter: true), Self);
    }
}
