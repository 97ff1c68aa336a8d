using Hub;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Http;

namespace Hub.Server;

/// <summary>
/// The join between a connection's fused stream and its actor. Inbound elements go to the actor one at a time
/// (the next only after the actor acks: pipelining limit 1, Tornado's sequential handlers); outbound elements come
/// from the actor as messages to this stage's actor and are pushed downstream on demand, so a flush completes only
/// when the transport has room: that is the response flow control.
/// </summary>
internal sealed class ConnectionBridgeStage : GraphStage<FlowShape<HttpInbound, HttpOutbound>>
{
    private readonly IActorRef _connectionActor;
    private readonly ConnectionSignals _signals;

    public ConnectionBridgeStage(IActorRef connectionActor, ConnectionSignals signals)
    {
        _connectionActor = connectionActor;
        _signals = signals;
        Shape = new FlowShape<HttpInbound, HttpOutbound>(In, Out);
    }

    public Inlet<HttpInbound> In { get; } = new("ConnectionBridge.in");
    public Outlet<HttpOutbound> Out { get; } = new("ConnectionBridge.out");
    public override FlowShape<HttpInbound, HttpOutbound> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("ConnectionBridge");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IInHandler, IOutHandler
    {
        private readonly ConnectionBridgeStage _stage;
        // Bounded by the protocol: a handler has at most one flush outstanding plus the final element, so this
        // holds a handful of elements at most.
        private readonly Queue<ConnectionProtocol.Outbound> _queue = new(4);
        private StageActor? _self;
        private TaskCompletionSource? _awaitingAcceptance;
        private bool _closeRequested;

        public Logic(ConnectionBridgeStage stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            SetKeepGoing(true);
            _self = GetStageActor(OnMessage);
            _self.Watch(_stage._connectionActor);
            _stage._connectionActor.Tell(new ConnectionProtocol.Attached(_self.Ref), _self.Ref);
            Pull(_stage.In);
        }

        public void OnPush() =>
            _stage._connectionActor.Tell(new ConnectionProtocol.Inbound(Grab(_stage.In)), _self!.Ref);

        public void OnUpstreamFinish()
        {
            _signals().PeerClosed();
            _stage._connectionActor.Tell(ConnectionProtocol.InputClosed.Instance, _self!.Ref);
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull()
        {
            // Downstream took the previous element: its flush is complete.
            if (_awaitingAcceptance is { } tcs)
            {
                _awaitingAcceptance = null;
                _signals().FlushAccepted(tcs);
            }
            TryPush();
        }

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        private void OnMessage((IActorRef sender, object msg) args)
        {
            switch (args.msg)
            {
                case ConnectionProtocol.Outbound outbound:
                    if (!_closeRequested)
                    {
                        _queue.Enqueue(outbound);
                        if (outbound.CloseAfter) _closeRequested = true;
                        TryPush();
                    }
                    // Ack after the push: the response is on its way before the next request is read.
                    if (outbound.AckInbound && !IsClosed(_stage.In) && !HasBeenPulled(_stage.In)) Pull(_stage.In);
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

        private void TryPush()
        {
            while (_queue.Count > 0 && IsAvailable(_stage.Out) && _awaitingAcceptance is null)
            {
                var next = _queue.Dequeue();
                if (next.Element is null)
                {
                    if (next.Accepted is { } done) _signals().FlushAccepted(done);
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
                        _signals().FlushAccepted(last);
                    }
                    CompleteStage();
                    return;
                }
            }
        }

        private ConnectionSignals _signals() => _stage._signals;

        public override void PostStop()
        {
            _stage._signals.Terminate();
            _stage._connectionActor.Tell(ConnectionProtocol.StreamTerminated.Instance, ActorRefs.NoSender);
            base.PostStop();
        }
    }
}
