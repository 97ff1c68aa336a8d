using System.Buffers.Binary;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Buffers;
using Hub.Diagnostics;
using Hub.Http;
using Hub.Server;
using Hub.WebSockets.Codec;

namespace Hub.WebSockets;

/// <summary>
/// The WebSocket layer of a connection, between the HTTP codec and the bridge. Passes HTTP elements through until
/// the 101 response goes down; from then on it decodes frames into messages (answering pings and the closing
/// handshake itself, so a busy handler never delays them) and frames what the actor and rooms send. Failing the
/// connection always means: send Close with the code, wait up to close-timeout for the peer's Close, close TCP.
/// </summary>
internal sealed class WebSocketStage : GraphStage<BidiShape<HttpInbound, ConnectionInbound, ConnectionOutbound, HttpOutbound>>
{
    private readonly ProtocolSwitch? _switch;
    private readonly ListenerTelemetry _telemetry;

    /// <summary>Null <paramref name="protocolSwitch"/>: the materialization's <see cref="Server.ConnectionContext"/>'s.</summary>
    public WebSocketStage(ProtocolSwitch? protocolSwitch, ListenerTelemetry? telemetry = null)
    {
        _switch = protocolSwitch;
        _telemetry = telemetry ?? ListenerTelemetry.Unbound;
        Shape = new BidiShape<HttpInbound, ConnectionInbound, ConnectionOutbound, HttpOutbound>(InFromHttp, OutToBridge, InFromBridge, OutToHttp);
    }

    public Inlet<HttpInbound> InFromHttp { get; } = new("WebSocket.inFromHttp");
    public Outlet<ConnectionInbound> OutToBridge { get; } = new("WebSocket.outToBridge");
    public Inlet<ConnectionOutbound> InFromBridge { get; } = new("WebSocket.inFromBridge");
    public Outlet<HttpOutbound> OutToHttp { get; } = new("WebSocket.outToHttp");
    public override BidiShape<HttpInbound, ConnectionInbound, ConnectionOutbound, HttpOutbound> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("WebSocket");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, _switch ?? Server.ConnectionContext.Of(inheritedAttributes, nameof(WebSocketStage)).Switch);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string PingTimer = "ping";
        private const string PongTimer = "pong";
        private const string CloseTimer = "close";
        private const string CloseReplyTimer = "close-reply";

        private readonly WebSocketStage _stage;
        private readonly ReceiveBuffer _buffer = new();
        // Frames the stage itself must send (pongs, close replies, pings), ahead of application frames.
        private readonly Queue<ByteString> _control = new(2);
        private MessageReader? _reader;
        private MessageDeflater? _deflater;
        private MessageInflater? _inflater;
        private WebSocketOptions? _options;
        private bool _webSocket;
        private bool _closeSent;
        private bool _closeReceived;
        private bool _closedReported;
        // The peer's Close waits for its reply until the handler's replies to earlier messages are out.
        private bool _closeReplyPending;
        private ushort? _closeReplyCode;
        // Elements decoded but not yet taken by the bridge. Decoding runs ahead of the handler so that pings and
        // Close are answered at once (RFC 6455 §5.5.2) even while it is busy; it stops once this many messages wait,
        // and then nothing more is read from the socket.
        private const int MaxMessagesAhead = 2;
        private readonly Queue<ConnectionInbound> _up = new(4);
        private int _messagesAhead;
        // A message was handed to the actor and not yet acked (the bridge has not pulled again).
        private bool _handlerBusy;
        private ushort? _deferredFailure;
        private bool _awaitingPong;
        private bool _deliverThenStop;
        // hub.limits: the incoming message rate, and under the drop policy what was dropped since the last notice.
        private MessageRateLimiter? _rate;
        private Configuration.MessageRatePolicy _ratePolicy;
        private long _droppedSinceNotice;
        private long _lastNotice;

        private readonly ProtocolSwitch _switch;

        public Logic(WebSocketStage stage, ProtocolSwitch protocolSwitch) : base(stage.Shape)
        {
            _stage = stage;
            _switch = protocolSwitch;
            SetHandler(stage.InFromHttp, onPush: OnPushFromHttp, onUpstreamFinish: OnHttpFinished, onUpstreamFailure: FailStage);
            SetHandler(stage.OutToBridge, onPull: OnPullFromBridge, onDownstreamFinish: OnCancelled);
            SetHandler(stage.InFromBridge, onPush: OnPushFromBridge, onUpstreamFinish: OnBridgeFinished, onUpstreamFailure: FailStage);
            SetHandler(stage.OutToHttp, onPull: OnPullFromHttp, onDownstreamFinish: OnTransportGone);
        }

        /// <summary>A failure (the actor died) must reach the transport as a failure, so it aborts instead of closing.</summary>
        private void OnCancelled(Exception cause)
        {
            if (cause is SubscriptionWithCancelException.NonFailureCancellation) CompleteStage();
            else FailStage(cause);
        }

        /// <summary>
        /// The socket is gone. A Close report the actor has not taken yet is still delivered (it carries the peer's
        /// code); everything else stops.
        /// </summary>
        private void OnTransportGone(Exception cause)
        {
            if (cause is not SubscriptionWithCancelException.NonFailureCancellation || _up.Count == 0 || IsClosed(_stage.OutToBridge))
            {
                OnCancelled(cause);
                return;
            }
            if (!IsClosed(_stage.InFromHttp)) Cancel(_stage.InFromHttp);
            if (!IsClosed(_stage.InFromBridge)) Cancel(_stage.InFromBridge);
            _deliverThenStop = true;
        }

        // ---- inbound: HTTP elements, then raw bytes decoded into messages ----

        private void OnPushFromHttp()
        {
            var element = Grab(_stage.InFromHttp);
            if (!_webSocket || element is not HttpInbound.Raw raw)
            {
                Push(_stage.OutToBridge, element);
                return;
            }
            _buffer.Append(raw.Data);
            DecodeFrames();
        }

        private void OnPullFromBridge()
        {
            _handlerBusy = false;
            if (_up.Count > 0)
            {
                var next = _up.Dequeue();
                if (next is WsInbound.Message)
                {
                    _messagesAhead--;
                    _handlerBusy = true;
                }
                Push(_stage.OutToBridge, next);
                if (_deliverThenStop && _up.Count == 0) CompleteStage();
                if (next is WsInbound.Closed) return;
            }
            if (_deferredFailure is { } code && _up.Count == 0 && !_handlerBusy)
            {
                _deferredFailure = null;
                Fail(code);
                return;
            }
            if (_webSocket && _deferredFailure is null) DecodeFrames();
            else if (!_webSocket && !HasBeenPulled(_stage.InFromHttp) && !IsClosed(_stage.InFromHttp)) Pull(_stage.InFromHttp);
        }

        private void OnHttpFinished()
        {
            if (!_webSocket)
            {
                Complete(_stage.OutToBridge);
                return;
            }
            // The peer closed its side after its Close: the reply still goes out once the handler is done.
            if (_closeReplyPending) return;
            // TCP input ended without a closing handshake (RFC 6455 §7.1.5: 1006).
            _closeReceived = true;
            ReportClosed(CloseCodes.AbnormalClosure, "");
            FinishOutput();
        }

        /// <summary>Decodes until <see cref="MaxMessagesAhead"/> messages wait for the handler (its pace bounds the reads).</summary>
        private void DecodeFrames()
        {
            while (_messagesAhead < MaxMessagesAhead && !_closedReported)
            {
                var status = _reader!.Read(_buffer.Unread, out var consumed);
                _buffer.Advance(consumed);
                switch (status)
                {
                    case MessageReadStatus.NeedMoreData:
                        if (!HasBeenPulled(_stage.InFromHttp) && !IsClosed(_stage.InFromHttp)) Pull(_stage.InFromHttp);
                        return;
                    case MessageReadStatus.Message:
                        if (_closeSent) continue; // after our Close, data is read and dropped (§5.5.1)
                        if (_rate is not null && !_rate.TryTake(System.Diagnostics.Stopwatch.GetTimestamp()))
                        {
                            OverRate();
                            continue;
                        }
                        _messagesAhead++;
                        HubMetrics.WebSocketMessageReceived(_stage._telemetry.ServerPort);
                        Up(new WsInbound.Message(_reader.IsText, _reader.Payload.ToArray()));
                        continue;
                    case MessageReadStatus.Ping:
                        // §5.5.3: a pong echoes the ping's data. Only the latest unanswered ping needs one.
                        if (!_closeSent) SendControl(WsOpcode.Pong, _reader.Payload);
                        continue;
                    case MessageReadStatus.Pong:
                        _awaitingPong = false;
                        CancelTimer(PongTimer);
                        // Pongs for the handler are a courtesy: a flood of unsolicited ones is not queued without bound.
                        if (!_closeSent && _up.Count < MaxMessagesAhead + 2) Up(new WsInbound.Pong(_reader.Payload.ToArray()));
                        continue;
                    case MessageReadStatus.Close:
                        _closeReceived = true;
                        if (!_closeSent)
                        {
                            // Echo the code we received (§5.5.1); a Close without code is answered without one.
                            var echo = _reader.CloseCode == CloseCodes.NoStatusReceived ? (ushort?)null : _reader.CloseCode;
                            if (!IsClosed(_stage.OutToBridge))
                            {
                                // Messages before the Close are handled first and their replies go out before ours
                                // (a client that sends "hello" + Close in one write gets the echo, then the Close):
                                // the actor answers this report with CloseReply behind them, bounded by close-timeout.
                                _closeReplyPending = true;
                                _closeReplyCode = echo;
                                ScheduleOnce(CloseReplyTimer, _options!.Settings.CloseTimeout);
                                ReportClosed(_reader.CloseCode, _reader.CloseReason, replyPending: true);
                                return;
                            }
                            SendClose(echo, null);
                        }
                        ReportClosed(_reader.CloseCode, _reader.CloseReason);
                        FinishOutput();
                        return;
                    case MessageReadStatus.Fail:
                        // Messages that arrived before the bad frame are handled (and answered) first, as a peer
                        // reading sequentially would expect; only then is the connection failed.
                        if (_handlerBusy || _messagesAhead > 0) _deferredFailure = _reader.CloseCode;
                        else Fail(_reader.CloseCode);
                        return;
                }
            }
        }

        /// <summary>A message over hub.limits.messages-per-second: close with 1008, or drop it and tell the client.</summary>
        private void OverRate()
        {
            HubMetrics.MessageRateLimited(_ratePolicy, _stage._telemetry.ServerPort);
            if (_ratePolicy == Configuration.MessageRatePolicy.Close)
            {
                SendClose(CloseCodes.PolicyViolation, "message rate exceeded");
                return;
            }
            _droppedSinceNotice++;
            var now = Environment.TickCount64;
            if (now - _lastNotice < 1000) return;
            _lastNotice = now;
            SendText($"{{\"type\":\"rate-limited\",\"dropped\":{_droppedSinceNotice}}}");
            _droppedSinceNotice = 0;
        }

        private void SendText(string text)
        {
            var payload = System.Text.Encoding.UTF8.GetBytes(text);
            using var w = new PooledBufferWriter(FrameWriter.MaxHeaderLength + payload.Length);
            FrameWriter.WriteFrame(w, WsOpcode.Text, payload);
            Enqueue(w.ToByteString());
        }

        private void Up(ConnectionInbound element)
        {
            if (_up.Count == 0 && IsAvailable(_stage.OutToBridge))
            {
                if (element is WsInbound.Message)
                {
                    _messagesAhead--;
                    _handlerBusy = true;
                }
                Push(_stage.OutToBridge, element);
            }
            else _up.Enqueue(element);
        }

        private void ReportClosed(ushort code, string reason, bool replyPending = false)
        {
            if (_closedReported) return;
            _closedReported = true;
            HubMetrics.WebSocketClosed(code, _stage._telemetry.ServerPort);
            CancelTimer(PingTimer);
            CancelTimer(PongTimer);
            // Queued behind the messages already decoded: the handler sees them, then learns the socket is gone.
            if (IsClosed(_stage.OutToBridge)) return;
            Up(new WsInbound.Closed(code, reason, replyPending));
        }

        /// <summary>Sends the Close reply that waited for the handler (or for close-timeout), then closes TCP.</summary>
        private void SendCloseReply()
        {
            if (!_closeReplyPending) return;
            _closeReplyPending = false;
            CancelTimer(CloseReplyTimer);
            if (!_closeSent) SendClose(_closeReplyCode, null);
            FinishOutput();
        }

        /// <summary>
        /// Fail the connection (§7.1.7): Close with the code, then close TCP. Nothing after a protocol error can be
        /// trusted, so the peer's Close reply is not awaited; the transport's half-close still drains it.
        /// </summary>
        private void Fail(ushort code)
        {
            if (!_closeSent) SendClose(code, null);
            ReportClosed(code, "");
            FinishOutput();
        }

        // ---- outbound: HTTP elements until Accept, then frames ----

        private void OnPushFromBridge()
        {
            var element = Grab(_stage.InFromBridge);
            switch (element)
            {
                case WsOutbound.Accept accept:
                    _options = accept.Options;
                    if (accept.Options.Deflate is { } deflate)
                    {
                        _deflater = new MessageDeflater(deflate.ServerNoContextTakeover);
                        _inflater = new MessageInflater(resetPerMessage: deflate.ClientNoContextTakeover);
                    }
                    _reader = new MessageReader(accept.Options.Settings.MaxMessageSize, accept.Options.Settings.MaxEmptyFragments, _inflater);
                    if (accept.Options.Limits is { MessagesPerSecond: { } rate } limits)
                    {
                        _rate = new MessageRateLimiter(rate, limits.Burst);
                        _ratePolicy = limits.MessageRatePolicy;
                    }
                    _webSocket = true;
                    // The HTTP decoder passes raw bytes from its next pull on.
                    _switch.Switch();
                    Push(_stage.OutToHttp, accept.Response);
                    SchedulePing();
                    return;
                case HttpOutbound http:
                    Push(_stage.OutToHttp, http);
                    return;
                case WsOutbound.Frame frame:
                    if (_closeSent) { PullFromBridge(); return; }
                    HubMetrics.WebSocketMessageSent(_stage._telemetry.ServerPort);
                    Push(_stage.OutToHttp, new HttpOutbound.Raw(_deflater is null ? frame.Prepared.Bytes : Compress(frame.Prepared)));
                    return;
                case WsOutbound.Close close:
                    // The handler's own Close answers a pending peer Close just as well.
                    _closeReplyPending = false;
                    CancelTimer(CloseReplyTimer);
                    if (!_closeSent) SendClose(close.Code, close.Reason);
                    if (_closeReceived) FinishOutput();
                    PullFromBridge();
                    return;
                case WsOutbound.CloseReply:
                    SendCloseReply();
                    PullFromBridge();
                    return;
                case WsOutbound.Ping ping:
                    SendControl(WsOpcode.Ping, ping.Payload);
                    PullFromBridge();
                    return;
                default:
                    PullFromBridge();
                    return;
            }
        }

        private void OnPullFromHttp()
        {
            if (_control.Count > 0)
            {
                Push(_stage.OutToHttp, new HttpOutbound.Raw(_control.Dequeue()));
                if (_control.Count == 0 && _finishAfterControl) CompleteOutput();
                return;
            }
            if (_finishAfterControl) { CompleteOutput(); return; }
            PullFromBridge();
        }

        private void PullFromBridge()
        {
            if (!HasBeenPulled(_stage.InFromBridge) && !IsClosed(_stage.InFromBridge)) Pull(_stage.InFromBridge);
        }

        private void OnBridgeFinished()
        {
            // The actor closed the output (HTTP: Connection: close; WS: connection stopping).
            if (_webSocket && !_closeSent && !_closeReceived) SendClose(CloseCodes.GoingAway, null);
            SendCloseReply();
            FinishOutput();
        }

        /// <summary>
        /// permessage-deflate is per connection (each has its own compression context), so a shared prepared frame
        /// is re-framed here as a compressed message with RSV1 set (RFC 7692 §6).
        /// </summary>
        private ByteString Compress(PreparedFrame frame)
        {
            var compressed = _deflater!.Compress(frame.PayloadToArray());
            var bytes = new byte[FrameWriter.HeaderLength(compressed.Length) + compressed.Length];
            var n = FrameWriter.WriteHeader(bytes, frame.IsText ? WsOpcode.Text : WsOpcode.Binary, fin: true, rsv1: true, compressed.Length);
            compressed.CopyTo(bytes.AsSpan(n));
            return ByteString.FromBytes(bytes);
        }

        private void SendControl(WsOpcode opcode, ReadOnlySpan<byte> payload)
        {
            using var w = new PooledBufferWriter(FrameWriter.MaxHeaderLength + payload.Length);
            FrameWriter.WriteFrame(w, opcode, payload);
            Enqueue(w.ToByteString());
        }

        private void SendClose(ushort? code, string? reason)
        {
            _closeSent = true;
            using var w = new PooledBufferWriter(128);
            if (code is { } c) FrameWriter.WriteClose(w, c, reason);
            else FrameWriter.WriteFrame(w, WsOpcode.Close, []);
            Enqueue(w.ToByteString());
            CancelTimer(PingTimer);
            // §7.1.1: after sending Close, wait (bounded) for the peer's Close before closing TCP.
            if (!_closeReceived) ScheduleOnce(CloseTimer, _options!.Settings.CloseTimeout);
        }

        private void Enqueue(ByteString frame)
        {
            if (IsAvailable(_stage.OutToHttp)) Push(_stage.OutToHttp, new HttpOutbound.Raw(frame));
            else _control.Enqueue(frame);
        }

        private bool _finishAfterControl;

        /// <summary>Close TCP once queued control frames (the Close) are written.</summary>
        private void FinishOutput()
        {
            _finishAfterControl = true;
            if (_control.Count == 0 && IsAvailable(_stage.OutToHttp)) CompleteOutput();
        }

        private void CompleteOutput()
        {
            CancelTimer(CloseTimer);
            CancelTimer(PingTimer);
            CancelTimer(PongTimer);
            if (!IsClosed(_stage.OutToHttp)) Complete(_stage.OutToHttp);
            if (!IsClosed(_stage.InFromBridge)) Cancel(_stage.InFromBridge);
            if (!IsClosed(_stage.OutToBridge) && _up.Count == 0) Complete(_stage.OutToBridge);
        }

        protected override void OnTimer(object timerKey)
        {
            switch (timerKey)
            {
                case CloseReplyTimer:
                    // The handler is still busy with a message before the peer's Close: answer without it.
                    SendCloseReply();
                    return;
                case CloseTimer:
                    // The peer never answered our Close: close TCP anyway.
                    _closeReceived = true;
                    ReportClosed(CloseCodes.AbnormalClosure, "close timeout");
                    _control.Clear();
                    CompleteOutput();
                    return;
                case PingTimer:
                    if (_closeSent) return;
                    Span<byte> payload = stackalloc byte[8];
                    BinaryPrimitives.WriteInt64BigEndian(payload, Environment.TickCount64);
                    SendControl(WsOpcode.Ping, payload);
                    // The deadline runs from the first unanswered ping; later pings must not push it back.
                    if (!_awaitingPong)
                    {
                        _awaitingPong = true;
                        ScheduleOnce(PongTimer, _options!.Settings.PingTimeout);
                    }
                    SchedulePing();
                    return;
                case PongTimer:
                    // No pong: the peer is gone or hopelessly behind. Fail without waiting for a close reply.
                    if (!_awaitingPong) return;
                    _closeReceived = true;
                    ReportClosed(CloseCodes.AbnormalClosure, "ping timeout");
                    _control.Clear();
                    CompleteOutput();
                    return;
            }
        }

        private void SchedulePing()
        {
            var interval = _options!.Settings.PingInterval;
            if (interval != Timeout.InfiniteTimeSpan) ScheduleOnce(PingTimer, interval);
        }

        public override void PostStop()
        {
            _buffer.Dispose();
            _reader?.Dispose();
            _deflater?.Dispose();
            base.PostStop();
        }
    }
}

/// <summary>
/// The per-connection flag by which the WebSocket stage tells the HTTP decoder that the connection is no longer
/// HTTP. Both stages run in the same fused island, so a plain field suffices.
/// </summary>
internal sealed class ProtocolSwitch
{
    public bool Switched { get; private set; }

    public void Switch() => Switched = true;
}
