using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Http;
using Hub.Messages;
using Hub.WebSockets;

namespace Hub.Server;

/// <summary>
/// The join between a connection's fused stream and its actor, and the connection's outbox.
/// Inbound elements go to the actor one at a time (the next only after the actor acks: pipelining limit 1,
/// Tornado's sequential handlers). Outbound elements arrive as messages to this stage's actor — from the connection
/// actor, and, once the connection is a WebSocket, from rooms and anyone holding the outbox ref — and are pushed
/// downstream on demand, so a flush completes only when the transport has room.
/// WebSocket frames queue here under a byte and message bound; a subscriber that stops reading meets the overflow
/// policy instead of growing memory or slowing the publisher.
/// </summary>
internal sealed class ConnectionBridgeStage : GraphStage<FlowShape<ConnectionInbound, ConnectionOutbound>>
{
    private readonly IActorRef? _connectionActor;
    private readonly ConnectionSignals? _signals;
    private readonly ListenerTelemetry _telemetry;

    /// <summary>Null <paramref name="connectionActor"/>/<paramref name="signals"/>: the materialization's
    /// <see cref="ConnectionContext"/>'s (one blueprint for every connection).</summary>
    public ConnectionBridgeStage(IActorRef? connectionActor, ConnectionSignals? signals, ListenerTelemetry? telemetry = null)
    {
        _connectionActor = connectionActor;
        _signals = signals;
        _telemetry = telemetry ?? ListenerTelemetry.Unbound;
        Shape = new FlowShape<ConnectionInbound, ConnectionOutbound>(In, Out);
    }

    public Inlet<ConnectionInbound> In { get; } = new("ConnectionBridge.in");
    public Outlet<ConnectionOutbound> Out { get; } = new("ConnectionBridge.out");
    public override FlowShape<ConnectionInbound, ConnectionOutbound> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("ConnectionBridge");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes)
    {
        if (_connectionActor is not null && _signals is not null) return new Logic(this, _connectionActor, _signals);
        var context = ConnectionContext.Of(inheritedAttributes, nameof(ConnectionBridgeStage));
        return new Logic(this, _connectionActor ?? context.Actor, _signals ?? context.Signals);
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string SlowConsumerTimer = "slow-consumer";
        private readonly ConnectionBridgeStage _stage;
        // Bare WebSocket frames (the bulk: room fan-out) as themselves, everything else as ConnectionProtocol.Outbound.
        private readonly Queue<object> _queue = new();
        private StageActor? _self;
        private TaskCompletionSource? _awaitingAcceptance;
        private bool _closeRequested;
        // WebSocket outbox state, set by the Accept element.
        private WebSocketSettings? _ws;
        private OverflowPolicy _overflow;
        // The configured policy, for the metrics: _overflow turns to drop-oldest once a close is decided.
        private OverflowPolicy _configuredOverflow;
        private long _queuedFrameBytes;
        private int _queuedFrames;
        // Where rooms batch their frames for this socket (known from its first wake-up); closed when the stage stops.
        private OutboxQueue? _outboxQueue;

        private readonly IActorRef _connectionActor;
        private readonly ConnectionSignals _signals;

        public Logic(ConnectionBridgeStage stage, IActorRef connectionActor, ConnectionSignals signals) : base(stage.Shape)
        {
            _stage = stage;
            _connectionActor = connectionActor;
            _signals = signals;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            SetKeepGoing(true);
            _self = GetStageActor(OnMessage);
            _self.Watch(_connectionActor);
            _connectionActor.Tell(new ConnectionProtocol.Attached(_self.Ref), _self.Ref);
            Pull(_stage.In);
        }

        public void OnPush() =>
            _connectionActor.Tell(new ConnectionProtocol.Inbound(Grab(_stage.In)), _self!.Ref);

        public void OnUpstreamFinish()
        {
            _signals.PeerClosed();
            _connectionActor.Tell(ConnectionProtocol.InputClosed.Instance, _self!.Ref);
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull()
        {
            // Downstream took the previous element: its flush is complete.
            if (_awaitingAcceptance is { } tcs)
            {
                _awaitingAcceptance = null;
                _signals.FlushAccepted(tcs);
            }
            TryPush();
        }

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        private void OnMessage((IActorRef sender, object msg) args)
        {
            switch (args.msg)
            {
                case ConnectionProtocol.Outbound outbound:
                    if (outbound.Element is WsOutbound.Accept accept)
                    {
                        _ws = accept.Options.Settings;
                        _overflow = accept.Options.Overflow;
                        _configuredOverflow = _overflow;
                    }
                    Enqueue(outbound);
                    // Ack after the push: the response is on its way before the next request is read.
                    if (outbound.AckInbound && !IsClosed(_stage.In) && !HasBeenPulled(_stage.In)) Pull(_stage.In);
                    return;
                case WsOutbound.Frame frame:
                    if (_ws is not null) EnqueueFrame(frame);
                    return;
                case OutboxQueue queue:
                    // A batch of room frames: one wake-up for all of them, each queued under the same bounds.
                    _outboxQueue = queue;
                    if (queue.TakeAll() is not { } frames || _ws is null) return;
                    foreach (var f in frames) EnqueueFrame(f);
                    return;
                case SendText text:
                    if (_ws is not null) Enqueue(new ConnectionProtocol.Outbound(new WsOutbound.Frame(PreparedFrame.Text(text.Text)), null, false, false));
                    return;
                case SendBinary binary:
                    if (_ws is not null) Enqueue(new ConnectionProtocol.Outbound(new WsOutbound.Frame(PreparedFrame.Binary(binary.Data)), null, false, false));
                    return;
                case CloseConnection close:
                    if (_ws is not null) Enqueue(new ConnectionProtocol.Outbound(new WsOutbound.Close(close.Code, close.Reason), null, false, false));
                    else _connectionActor.Tell(close, args.sender);
                    return;
                case ConnectionProtocol.Abort:
                    FailStage(new ConnectionClosedException());
                    return;
                case Terminated:
                    // The actor died (a bug in it, or a stop): the socket cannot outlive it.
                    FailStage(new ConnectionClosedException());
                    return;
            }
        }

        private void Enqueue(ConnectionProtocol.Outbound outbound)
        {
            if (_closeRequested)
            {
                outbound.Accepted?.TrySetException(new ConnectionClosedException());
                return;
            }
            if (outbound.Element is WsOutbound.Frame frame)
            {
                // A bare frame needs no ack, flush or close: it is queued as itself, without the Outbound wrapper.
                EnqueueFrame(frame);
                return;
            }
            _queue.Enqueue(outbound);
            if (outbound.CloseAfter) _closeRequested = true;
            TryPush();
        }

        private void EnqueueFrame(WsOutbound.Frame frame)
        {
            if (_closeRequested || !MakeRoom(frame)) return;
            _queuedFrameBytes += frame.Prepared.Size;
            _queuedFrames++;
            _queue.Enqueue(frame);
            TryPush();
        }

        /// <summary>Applies the overflow policy; false when the frame is not queued.</summary>
        private bool MakeRoom(WsOutbound.Frame incoming)
        {
            var ws = _ws!;
            // A single message always fits an empty queue: the bound is on backlog, not on message size
            // (max-message-size bounds that).
            bool Full() => _queuedFrames > 0 && (_queuedFrameBytes + incoming.Prepared.Size > ws.OutboundQueueMaxBytes
                                                 || _queuedFrames + 1 > ws.OutboundQueueMaxMessages);
            if (!Full()) return true;
            var framesBefore = _queuedFrames;
            switch (_overflow)
            {
                case OverflowPolicy.Close:
                    // Nobody silently misses messages: drop what is queued and start the closing handshake.
                    RemoveFrames(static _ => true);
                    HubMetrics.SlowConsumerClosed(_stage._telemetry.ServerPort);
                    // The queued frames and the incoming one are lost with the connection.
                    HubMetrics.MessagesDropped(framesBefore + 1, OverflowPolicy.Close, _stage._telemetry.ServerPort);
                    PutFirst(new ConnectionProtocol.Outbound(new WsOutbound.Close(CloseCodes.PolicyViolation, "slow consumer"), null, false, false));
                    _connectionActor.Tell(ConnectionProtocol.SlowConsumer.Instance, _self!.Ref);
                    _overflow = OverflowPolicy.DropOldest; // the close is decided; later frames just make room
                    // A consumer that does not read will not read our Close either: bound the wait, then abort.
                    if (!IsTimerActive(SlowConsumerTimer)) ScheduleOnce(SlowConsumerTimer, ws.CloseTimeout);
                    TryPush();
                    return false;
                case OverflowPolicy.Conflate when incoming.ConflationKey is { } key:
                    // Latest value wins: older frames of the same room are obsolete.
                    RemoveFrames(f => f.ConflationKey == key);
                    break;
            }
            // drop-oldest (and conflate's fallback): make room from the front of the queue. Frames at the head go in
            // O(1); the rare element that is not a frame (a pending response part) keeps its place.
            while (Full() && _queue.TryPeek(out var head) && head is WsOutbound.Frame oldest)
            {
                _queue.Dequeue();
                Forget(oldest);
            }
            if (Full()) RemoveFrames(_ => Full());
            var fits = !Full();
            // The frames removed, plus the incoming one when even an emptied queue cannot take it.
            HubMetrics.MessagesDropped(framesBefore - _queuedFrames + (fits ? 0 : 1), _configuredOverflow, _stage._telemetry.ServerPort);
            return fits;
        }

        /// <summary>Removes the frames <paramref name="predicate"/> picks, oldest first, keeping the order of everything
        /// else (overflow paths only: it rebuilds the queue).</summary>
        private void RemoveFrames(Func<WsOutbound.Frame, bool> predicate)
        {
            for (var n = _queue.Count; n > 0; n--)
            {
                var item = _queue.Dequeue();
                if (item is WsOutbound.Frame f && predicate(f)) Forget(f);
                else _queue.Enqueue(item);
            }
        }

        private void PutFirst(object item)
        {
            var rest = _queue.ToArray();
            _queue.Clear();
            _queue.Enqueue(item);
            foreach (var r in rest) _queue.Enqueue(r);
        }

        private void Forget(WsOutbound.Frame frame)
        {
            _queuedFrameBytes -= frame.Prepared.Size;
            _queuedFrames--;
        }

        private void TryPush()
        {
            while (_queue.Count > 0 && IsAvailable(_stage.Out) && _awaitingAcceptance is null)
            {
                var item = _queue.Dequeue();
                if (item is WsOutbound.Frame frame)
                {
                    Forget(frame);
                    Push(_stage.Out, frame);
                    continue;
                }
                var next = (ConnectionProtocol.Outbound)item;
                if (next.Element is null)
                {
                    if (next.Accepted is { } done) _signals.FlushAccepted(done);
                }
                else
                {
                    _awaitingAcceptance = next.Accepted;
                    Push(_stage.Out, next.Element);
                }
                if (next.CloseAfter)
                {
                    // Output ends with this element (delivered before completion); input is no longer wanted.
                    if (_awaitingAcceptance is { } last)
                    {
                        _awaitingAcceptance = null;
                        _signals.FlushAccepted(last);
                    }
                    CompleteStage();
                    return;
                }
            }
        }

        protected override void OnTimer(object timerKey)
        {
            if (timerKey is SlowConsumerTimer) FailStage(new ConnectionClosedException());
        }

        public override void PostStop()
        {
            _outboxQueue?.Close();
            _signals.Terminate();
            _connectionActor.Tell(ConnectionProtocol.StreamTerminated.Instance, ActorRefs.NoSender);
            base.PostStop();
        }
    }
}
