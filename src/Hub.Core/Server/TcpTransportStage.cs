using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Buffers;
using Hub.Diagnostics;

namespace Hub.Server;

/// <summary>
/// The Akka.IO edge of a connection: its stage actor is the registered handler of the Akka.IO connection, so
/// bytes never pass through the connection actor's mailbox. Reads are pulled with a read-ahead of one: a read is
/// outstanding whenever no received chunk is waiting for downstream, so a client that closes while its request
/// is being handled is noticed at once (ConnectionClosed fires), and at most one chunk is held when downstream
/// is busy — then nothing more is read and TCP pushes back on the client. Writes are coalesced under an Ack window: one
/// Tcp.Write in flight, whatever arrives meanwhile is concatenated and sent as one batch when the Ack comes, and
/// upstream is pulled only while fewer than max-unacked-write-bytes are outstanding.
///
/// Closing is graceful: when upstream finishes, the stage half-closes (ConfirmedClose) and keeps reading and
/// discarding for linger-timeout, so request bytes the server never read do not turn the close into a reset that
/// destroys the final response (the "lingering close" of Apache and nginx).
/// </summary>
internal sealed class TcpTransportStage : GraphStage<FlowShape<ByteString, ByteString>>
{
    private readonly IActorRef? _connection;
    private readonly IActorRef? _owner;
    private readonly int _maxUnacked;
    private readonly TimeSpan _linger;
    private readonly ListenerTelemetry _telemetry;

    /// <param name="connection">The Akka.IO connection actor; null: the materialization's <see cref="ConnectionContext"/>'s.</param>
    /// <param name="owner">Told <see cref="ConnectionProtocol.TransportStopped"/> when the socket is done; null: the
    /// context's connection actor.</param>
    /// <param name="maxUnackedWriteBytes">The write window.</param>
    /// <param name="lingerTimeout">How long to wait for the peer's close after ours.</param>
    /// <param name="telemetry">Where bytes in and out are counted.</param>
    public TcpTransportStage(IActorRef? connection, IActorRef? owner, int maxUnackedWriteBytes, TimeSpan lingerTimeout,
        ListenerTelemetry? telemetry = null)
    {
        _telemetry = telemetry ?? ListenerTelemetry.Unbound;
        _connection = connection;
        _owner = owner;
        _maxUnacked = maxUnackedWriteBytes;
        _linger = lingerTimeout;
        Shape = new FlowShape<ByteString, ByteString>(In, Out);
    }

    public Inlet<ByteString> In { get; } = new("TcpTransport.in");
    public Outlet<ByteString> Out { get; } = new("TcpTransport.out");
    public override FlowShape<ByteString, ByteString> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("TcpTransport");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes)
    {
        if (_connection is not null && _owner is not null) return new Logic(this, _connection, _owner);
        var context = ConnectionContext.Of(inheritedAttributes, nameof(TcpTransportStage));
        return new Logic(this, _connection ?? context.Tcp, _owner ?? context.Actor);
    }

    private sealed class WriteAck : Tcp.Event
    {
        public static readonly WriteAck Instance = new();
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string LingerTimer = "linger";
        private readonly TcpTransportStage _stage;
        private StageActor? _self;
        // What arrives while a write is in flight: sent as one write on its Ack.
        private readonly WriteCoalescer _pending = new();
        private ByteString? _held;
        private int _inFlight;
        private bool _reading;
        private bool _peerClosed;
        private bool _closing;
        private bool _closed;

        private readonly IActorRef _connection;
        private readonly IActorRef _owner;

        public Logic(TcpTransportStage stage, IActorRef connection, IActorRef owner) : base(stage.Shape)
        {
            _stage = stage;
            _connection = connection;
            _owner = owner;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            // The stage outlives a finished downstream (lingering) and a finished upstream (pending writes).
            SetKeepGoing(true);
            _self = GetStageActor(OnMessage);
            _self.Watch(_connection);
            // keepOpenOnPeerClosed: a client that half-closes still gets its response (RFC 9112 §9.6).
            // useResumeWriting off: Hub never sends a second write before the Ack, so NACKs cannot happen.
            _connection.Tell(new Tcp.Register(_self.Ref, keepOpenOnPeerClosed: true, useResumeWriting: false), _self.Ref);
            Pull(_stage.In);
        }

        public void OnPull()
        {
            if (_held is { } held)
            {
                _held = null;
                Push(_stage.Out, held);
                if (_peerClosed) Complete(_stage.Out);
            }
            if (!_reading && !_peerClosed && _held is null) ResumeReading();
        }

        public void OnDownstreamFinish(Exception cause)
        {
            // The decoder wants no more input (rejected request, or closing). Keep writing what is queued;
            // reads continue only to drain once we close.
        }

        public void OnPush()
        {
            var data = Grab(_stage.In);
            if (data.IsEmpty) { PullIfRoom(); return; }
            if (_inFlight == 0) Send(data);
            else _pending.Add(data);
            PullIfRoom();
        }

        public void OnUpstreamFinish()
        {
            if (_inFlight == 0 && _pending.IsEmpty) BeginClose();
        }

        public void OnUpstreamFailure(Exception e)
        {
            Abort();
            FailStage(e);
        }

        private void OnMessage((IActorRef sender, object msg) args)
        {
            switch (args.msg)
            {
                case Tcp.Received received:
                    _reading = false;
                    HubMetrics.Received(received.Data.Count, _stage._telemetry.ServerPort);
                    if (_closing || IsClosed(_stage.Out))
                    {
                        // Draining after our FIN: discard and keep reading until the peer closes or linger ends.
                        if (_closing) ResumeReading();
                        return;
                    }
                    if (IsAvailable(_stage.Out))
                    {
                        Push(_stage.Out, received.Data);
                        ResumeReading(); // read ahead, to see a FIN while the request is handled
                    }
                    else
                    {
                        _held = _held is null ? received.Data : _held.Concat(received.Data);
                    }
                    return;

                case WriteAck:
                    _inFlight = 0;
                    _pending.Acknowledged();
                    if (!_pending.IsEmpty) Send(_pending.Take());
                    PullIfRoom();
                    if (_inFlight == 0 && IsClosed(_stage.In)) BeginClose();
                    return;

                case Tcp.PeerClosed:
                    _peerClosed = true;
                    _reading = false;
                    if (_closing) { Finish(); return; }
                    // Bytes still held go downstream first; completion follows them.
                    if (_held is null) Complete(_stage.Out);
                    if (IsClosed(_stage.In) && _inFlight == 0) BeginClose();
                    return;

                case Tcp.ConfirmedClosed:
                case Tcp.Closed:
                case Tcp.Aborted:
                    Finish();
                    return;

                case Tcp.ErrorClosed error:
                    _closed = true;
                    _owner.Tell(new ConnectionProtocol.TransportFailed(error.Cause ?? "socket error"), ActorRefs.NoSender);
                    Finish();
                    return;

                case Tcp.CommandFailed failed:
                    _closed = true;
                    _owner.Tell(new ConnectionProtocol.TransportFailed(
                        $"{failed.Cmd.GetType().Name} failed: {(failed.Cause.HasValue ? failed.Cause.Value.Message : "no cause given")}"), ActorRefs.NoSender);
                    Abort();
                    FailStage(new IOException($"TCP command failed: {failed.Cmd.GetType().Name}", failed.Cause.GetOrElse(null!)));
                    return;

                case Terminated:
                    _closed = true;
                    Finish();
                    return;
            }
        }

        protected override void OnTimer(object timerKey)
        {
            // The peer has not closed its side within linger-timeout of our FIN: give up on it. Until then the
            // response may still be draining from the kernel's send buffer to a slow reader, which a reset would cut
            // short — hence a generous default.
            if (timerKey is LingerTimer)
            {
                Abort();
                Finish();
            }
        }

        private void Send(ByteString data)
        {
            _inFlight = data.Count;
            HubMetrics.Sent(data.Count, _stage._telemetry.ServerPort);
            _connection.Tell(Tcp.Write.Create(data, WriteAck.Instance), _self!.Ref);
        }

        private void PullIfRoom()
        {
            if (_inFlight + _pending.Count < _stage._maxUnacked && !IsClosed(_stage.In) && !HasBeenPulled(_stage.In))
                Pull(_stage.In);
        }

        private void ResumeReading()
        {
            _reading = true;
            _connection.Tell(Tcp.ResumeReading.Instance, _self!.Ref);
        }

        private void BeginClose()
        {
            if (_closing) return;
            _closing = true;
            if (!IsClosed(_stage.Out)) Complete(_stage.Out);
            if (_peerClosed)
            {
                _connection.Tell(Tcp.Close.Instance, _self!.Ref);
                return;
            }
            // Half-close, then drain until the peer's FIN (ConfirmedClosed) or the linger deadline.
            _connection.Tell(Tcp.ConfirmedClose.Instance, _self!.Ref);
            if (!_reading) ResumeReading();
            ScheduleOnce(LingerTimer, _stage._linger);
        }

        private void Abort()
        {
            if (_closed) return;
            _closed = true;
            _connection.Tell(Tcp.Abort.Instance, _self?.Ref ?? ActorRefs.NoSender);
        }

        private void Finish()
        {
            _closed = true;
            CompleteStage();
        }

        public override void PostStop()
        {
            // A stage that stops for any other reason (failure, cancellation) must not leave the socket open.
            if (!_closed) Abort();
            _pending.Clear();
            _owner.Tell(ConnectionProtocol.TransportStopped.Instance, ActorRefs.NoSender);
            base.PostStop();
        }
    }
}
