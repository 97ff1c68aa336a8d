using System.Buffers;
using System.Net.Sockets;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Buffers;
using Hub.Diagnostics;

namespace Hub.Server;

/// <summary>
/// The socket edge of a connection with hub.transport = sockets: the stage drives its accepted
/// <see cref="Socket"/> itself, with no Akka.IO actor in between. It keeps <see cref="TcpTransportStage"/>'s
/// behaviour — reads pulled with a read-ahead of one chunk, writes coalesced under the max-unacked-write-bytes
/// window, half-close answered, lingering close, abort as a reset — and changes what a connection costs:
///
/// - an idle socket waits with a zero-byte receive and holds no receive buffer; a buffer is rented from the pool
///   when bytes are readable and returned once they are copied out;
/// - one send in flight, whatever is produced meanwhile gathered by <see cref="WriteCoalescer"/>; a send (or receive)
///   that completes at once is handled inline, only one that completes later costs a message to this stage's actor.
/// </summary>
internal sealed class SocketTransportStage : GraphStage<FlowShape<ByteString, ByteString>>
{
    // One read's buffer: the bytes read are copied out at once, so its size only bounds how much one read takes; large
    // enough that a burst needs few reads, and a size the shared pool caches per core. Asking the kernel how much is
    // readable first (FIONREAD) would cost a syscall per read.
    private const int ReadBufferBytes = 16 * 1024;

    private readonly int _maxUnacked;
    private readonly TimeSpan _linger;
    private readonly ListenerTelemetry _telemetry;
    private readonly ArrayPool<byte> _pool;

    /// <param name="maxUnackedWriteBytes">The write window: bytes sent or queued but not yet completed.</param>
    /// <param name="lingerTimeout">How long to wait for the peer's close after ours.</param>
    /// <param name="telemetry">Where bytes in and out are counted.</param>
    /// <param name="pool">Where receive buffers and gathered sends are rented.</param>
    public SocketTransportStage(int maxUnackedWriteBytes, TimeSpan lingerTimeout, ListenerTelemetry telemetry, ArrayPool<byte> pool)
    {
        _maxUnacked = maxUnackedWriteBytes;
        _linger = lingerTimeout;
        _telemetry = telemetry;
        _pool = pool;
        Shape = new FlowShape<ByteString, ByteString>(In, Out);
    }

    public Inlet<ByteString> In { get; } = new("SocketTransport.in");
    public Outlet<ByteString> Out { get; } = new("SocketTransport.out");
    public override FlowShape<ByteString, ByteString> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("SocketTransport");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes)
    {
        var context = ConnectionContext.Of(inheritedAttributes, nameof(SocketTransportStage));
        return new Logic(this, context.Socket, context.Actor);
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string LingerTimer = "linger";
        private readonly SocketTransportStage _stage;
        private readonly Socket _socket;
        private readonly IActorRef _owner;
        private readonly SocketOperation _receive;
        private readonly SocketOperation _send;
        // What is produced while a send is in flight: sent as one send when it completes (and what is produced
        // while none is: copied into a pooled array, which is what a socket sends from).
        private readonly WriteCoalescer _pending;
        private ByteString? _held;
        private int _inFlight;
        private bool _receiving;
        // A zero-byte receive completed: bytes (or the peer's FIN) wait in the kernel.
        private bool _readable;
        private bool _peerClosed;
        private bool _closing;
        private bool _closed;

        public Logic(SocketTransportStage stage, Socket socket, IActorRef owner) : base(stage.Shape)
        {
            _stage = stage;
            _socket = socket;
            _owner = owner;
            _receive = new SocketOperation(stage._pool);
            _send = new SocketOperation(stage._pool);
            _pending = new WriteCoalescer(stage._pool);
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            // The stage outlives a finished downstream (lingering) and a finished upstream (pending writes).
            SetKeepGoing(true);
            _receive.CompleteInto(GetAsyncCallback(OnReceiveCompleted));
            _send.CompleteInto(GetAsyncCallback(OnSendCompleted));
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
            ReadLoop();
        }

        public void OnDownstreamFinish(Exception cause)
        {
            // The decoder wants no more input (rejected request, or closing). Keep writing what is queued;
            // reads continue only to drain once we close.
        }

        public void OnPush()
        {
            var data = Grab(_stage.In);
            _pending.Add(data);
            if (_inFlight == 0) SendLoop();
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

        // Reading: a read-ahead of one chunk, as TcpTransportStage — a receive is outstanding whenever no chunk is
        // held for downstream, so a FIN is seen while a request is handled; after our FIN, read and discard.
        private bool WantsToRead =>
            !_receiving && !_peerClosed && !_closed && (_closing || (_held is null && !IsClosed(_stage.Out)));

        private void ReadLoop()
        {
            while (WantsToRead)
            {
                if (_readable)
                {
                    _readable = false;
                    _receive.PrepareReceive(ReadBufferBytes);
                }
                else _receive.PrepareZeroByteReceive();
                if (!StartReceive() || !ReceiveDone()) return;
            }
        }

        /// <summary>True when the receive completed at once (its result is in <see cref="_receive"/>).</summary>
        private bool StartReceive()
        {
            _receiving = true;
            bool pending;
            try { pending = _socket.ReceiveAsync(_receive); }
            catch (ObjectDisposedException)
            {
                _receiving = false;
                _receive.ReturnRented();
                Finish();
                return false;
            }
            if (pending) return false;
            _receiving = false;
            return true;
        }

        private void OnReceiveCompleted()
        {
            _receiving = false;
            if (ReceiveDone()) ReadLoop();
        }

        /// <summary>Takes a finished receive's result; false when reading ends here.</summary>
        private bool ReceiveDone()
        {
            var error = _receive.SocketError;
            var buffer = _receive.Rented;
            if (error != SocketError.Success)
            {
                _receive.ReturnRented();
                OnSocketError(error);
                return false;
            }
            if (buffer is null)
            {
                _readable = true;
                return true;
            }
            var count = _receive.BytesTransferred;
            if (count == 0)
            {
                _receive.ReturnRented();
                OnPeerClosed();
                return false;
            }
            HubMetrics.Received(count, _stage._telemetry.ServerPort);
            if (_closing || IsClosed(_stage.Out))
            {
                // Draining after our FIN (or nobody wants the bytes): discard.
                _receive.ReturnRented();
                return true;
            }
            var data = ByteString.CopyFrom(buffer, 0, count);
            _receive.ReturnRented();
            if (IsAvailable(_stage.Out)) Push(_stage.Out, data);
            else _held = _held is null ? data : _held.Concat(data);
            return true;
        }

        private void OnPeerClosed()
        {
            _peerClosed = true;
            if (_closing)
            {
                // Their FIN after ours: the lingering close is over.
                Finish();
                return;
            }
            // Bytes still held go downstream first; completion follows them.
            if (_held is null) Complete(_stage.Out);
            if (IsClosed(_stage.In) && _inFlight == 0) BeginClose();
        }

        // Writing: one send in flight; a send that completes at once is followed at once by what gathered meanwhile.
        private void SendLoop()
        {
            while (!_pending.IsEmpty && !_closed)
            {
                var data = _pending.TakeArray();
                _inFlight = data.Count;
                HubMetrics.Sent(data.Count, _stage._telemetry.ServerPort);
                _send.PrepareSend(data);
                bool pending;
                try { pending = _socket.SendAsync(_send); }
                catch (ObjectDisposedException)
                {
                    _send.ClearSend();
                    _inFlight = 0;
                    Finish();
                    return;
                }
                if (pending || !SendDone()) return;
            }
        }

        /// <summary>Settles the send just finished; false when the socket failed.</summary>
        private bool SendDone()
        {
            var error = _send.SocketError;
            _send.ClearSend();
            _inFlight = 0;
            _pending.Acknowledged();
            if (error == SocketError.Success) return true;
            OnSocketError(error);
            return false;
        }

        private void OnSendCompleted()
        {
            if (!SendDone()) return;
            SendLoop();
            if (_closed) return;
            PullIfRoom();
            if (_inFlight == 0 && IsClosed(_stage.In)) BeginClose();
        }

        private void PullIfRoom()
        {
            if (_inFlight + _pending.Count < _stage._maxUnacked && !IsClosed(_stage.In) && !HasBeenPulled(_stage.In))
                Pull(_stage.In);
        }

        private void OnSocketError(SocketError error)
        {
            if (_closed)
            {
                // Our own close ended the operation.
                CompleteStage();
                return;
            }
            _owner.Tell(new ConnectionProtocol.TransportFailed(new SocketException((int)error).Message), ActorRefs.NoSender);
            Abort();
            CompleteStage();
        }

        protected override void OnTimer(object timerKey)
        {
            // The peer has not closed its side within linger-timeout of our FIN: give up on it (see TcpTransportStage).
            if (timerKey is LingerTimer)
            {
                Abort();
                Finish();
            }
        }

        private void BeginClose()
        {
            if (_closing) return;
            _closing = true;
            if (!IsClosed(_stage.Out)) Complete(_stage.Out);
            if (_peerClosed)
            {
                Finish();
                return;
            }
            // Half-close, then drain until the peer's FIN or the linger deadline: unread request bytes would
            // otherwise turn our close into a reset that destroys the response.
            try { _socket.Shutdown(SocketShutdown.Send); }
            catch (SocketException)
            {
                Abort();
                Finish();
                return;
            }
            ScheduleOnce(LingerTimer, _stage._linger);
            ReadLoop();
        }

        /// <summary>A reset (RST): SO_LINGER 0, then close.</summary>
        private void Abort()
        {
            if (_closed) return;
            try { _socket.LingerState = new LingerOption(true, 0); }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
            CloseSocket();
        }

        /// <summary>Closes the socket (a FIN, unless already reset) and stops the stage.</summary>
        private void Finish()
        {
            if (!_closed) CloseSocket();
            CompleteStage();
        }

        private void CloseSocket()
        {
            _closed = true;
            // Before the close: an operation it ends must clean up after itself, not call back into this stage
            // (which is stopping, and whose actor may be gone by then).
            _receive.Abandon(pending: _receiving);
            _send.Abandon(pending: _inFlight > 0);
            _socket.Dispose();
        }

        public override void PostStop()
        {
            // A stage that stops for any other reason (failure, cancellation) must not leave the socket open.
            Abort();
            _pending.Clear();
            _owner.Tell(ConnectionProtocol.TransportStopped.Instance, ActorRefs.NoSender);
            base.PostStop();
        }
    }
}
