using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Buffers;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Http.Codec;

namespace Hub.Http;

/// <summary>
/// Bytes → <see cref="HttpInbound"/>: request heads, body slices, end-of-body, or one rejection after which the stage
/// completes. Parses only on demand, so a pipelined request waits in the buffer (unparsed, unanswered) until the
/// previous response is done, and the socket is not read while the buffer holds a complete request.
///
/// Owns the two connection timeouts that depend on parse state, armed only while the connection waits for a request:
/// keep-alive-timeout while nothing of the next request has arrived (expiry closes quietly), and
/// request-headers-timeout once its first byte has (expiry answers 408). Their deadlines are watched by a
/// <see cref="Server.DeadlineSweep"/> shared by the listener's connections: no timer or scheduled message per connection.
/// </summary>
internal sealed class Http1DecoderStage : GraphStage<FlowShape<ByteString, HttpInbound>>
{
    public Http1DecoderStage(HttpSettings settings, WebSockets.ProtocolSwitch? protocolSwitch = null,
        ListenerTelemetry? telemetry = null, Server.DeadlineSweep? sweep = null)
    {
        Settings = settings;
        Sweep = sweep;
        Telemetry = telemetry ?? ListenerTelemetry.Unbound;
        Switch = protocolSwitch;
        Shape = new FlowShape<ByteString, HttpInbound>(In, Out);
    }

    public HttpSettings Settings { get; }

    /// <summary>Where connections' timeouts are watched: the listener's, shared by its connections. Null: each
    /// materialization gets its own (a stage used on its own, as in tests).</summary>
    public Server.DeadlineSweep? Sweep { get; }

    /// <summary>Where rejections are counted.</summary>
    public ListenerTelemetry Telemetry { get; }

    /// <summary>Set by the WebSocket stage after a 101: from then on bytes pass through as <see cref="HttpInbound.Raw"/>.
    /// Null: the materialization's <see cref="Server.ConnectionContext"/>'s, if it has one (else no switching).</summary>
    public WebSockets.ProtocolSwitch? Switch { get; }
    public Inlet<ByteString> In { get; } = new("Http1Decoder.in");
    public Outlet<HttpInbound> Out { get; } = new("Http1Decoder.out");
    public override FlowShape<ByteString, HttpInbound> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("Http1Decoder");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) =>
        new Logic(this, Switch ?? inheritedAttributes.GetAttribute<Server.ConnectionContext>(null!)?.Switch);

    private sealed class Logic : GraphStageLogic, IInHandler, IOutHandler
    {
        // optimization: the two deadlines are plain fields, watched by the listener's DeadlineSweep, instead of a
        // scheduler entry per request (a 130 s keep-alive entry per request piled up in the timer wheel: hundreds of
        // MB at 30 K req/s) or a repeating tick per connection (a message per idle connection per tick).
        private long _keepAliveDeadline; // Environment.TickCount64 ms; 0 = not armed
        private long _headersDeadline;
        private Server.DeadlineSweep.Entry? _deadline;
        private Server.DeadlineSweep? _ownSweep;

        private readonly Http1DecoderStage _stage;
        private readonly ReceiveBuffer _buffer = new();
        private Http1RequestReader _reader;
        private Http1BodyReader _body;
        private bool _inBody;
        private bool _done;

        private readonly WebSockets.ProtocolSwitch? _switch;

        public Logic(Http1DecoderStage stage, WebSockets.ProtocolSwitch? protocolSwitch) : base(stage.Shape)
        {
            _stage = stage;
            _switch = protocolSwitch;
            _reader = new Http1RequestReader(stage.Settings);
            _body = new Http1BodyReader(stage.Settings.MaxRequestBodySize, stage.Settings.BodyChunkSize,
                stage.Settings.MaxRequestHeadersTotalSize);
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public void OnPush()
        {
            var data = Grab(_stage.In);
            if (IsSwitched && _buffer.IsEmpty)
            {
                // optimization: after an upgrade, bytes go up as they came, without a copy.
                Push(_stage.Out, new HttpInbound.Raw(data));
                return;
            }
            _buffer.Append(data);
            TryEmit();
        }

        private bool IsSwitched => _switch is { Switched: true };

        public void OnUpstreamFinish()
        {
            // The peer closed its side. Whatever complete requests are buffered are still answered (they
            // were sent before the FIN); a partial one is dropped. A body whose last byte has been handed out
            // still owes its End, even with nothing left in the buffer.
            if (_buffer.IsEmpty && !(_inBody && _body.IsDone)) CompleteStage();
            else if (IsAvailable(_stage.Out)) TryEmit();
        }

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull() => TryEmit();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        public override void PreStart()
        {
            var sweep = _stage.Sweep;
            if (sweep is null)
            {
                if (Server.DeadlineSweep.PeriodFor(_stage.Settings.KeepAliveTimeout, _stage.Settings.RequestHeadersTimeout) is not { } period)
                    return; // no timeouts to watch
                sweep = _ownSweep = new Server.DeadlineSweep(period);
            }
            _deadline = sweep.Register(GetAsyncCallback(OnDeadline));
            PublishDeadline();
        }

        /// <summary>Tells the sweep the earliest armed deadline (0: none). Called whenever one changes.</summary>
        private void PublishDeadline()
        {
            if (_deadline is null) return;
            var ka = _keepAliveDeadline;
            var rh = _headersDeadline;
            _deadline.Set(ka == 0 ? rh : rh == 0 ? ka : Math.Min(ka, rh));
        }

        private void OnDeadline()
        {
            if (IsSwitched || _done)
            {
                StopWatching();
                return;
            }
            var now = Environment.TickCount64;
            if (!_inBody && _keepAliveDeadline != 0 && now >= _keepAliveDeadline)
            {
                // Idle keep-alive connection: close without a response (Kestrel and nginx do the same).
                CompleteStage();
                return;
            }
            if (!_inBody && _headersDeadline != 0 && now >= _headersDeadline && IsAvailable(_stage.Out))
            {
                Reject(RejectionReason.RequestHeadersTimeout);
                return;
            }
            // Not due (a deadline moved after the sweep read it) or not answerable yet: watch again.
            PublishDeadline();
        }

        private void StopWatching()
        {
            _deadline?.Unregister();
            _deadline = null;
            _ownSweep?.Dispose();
            _ownSweep = null;
        }

        private void ArmKeepAlive()
        {
            if (_keepAliveDeadline == 0 && _stage.Settings.KeepAliveTimeout != Timeout.InfiniteTimeSpan)
            {
                _keepAliveDeadline = Environment.TickCount64 + (long)_stage.Settings.KeepAliveTimeout.TotalMilliseconds;
                PublishDeadline();
            }
        }

        private void ArmHeaders()
        {
            if (_headersDeadline == 0 && _stage.Settings.RequestHeadersTimeout != Timeout.InfiniteTimeSpan)
            {
                _headersDeadline = Environment.TickCount64 + (long)_stage.Settings.RequestHeadersTimeout.TotalMilliseconds;
                PublishDeadline();
            }
        }

        private void TryEmit()
        {
            if (_done || !IsAvailable(_stage.Out)) return;
            if (IsSwitched)
            {
                EmitRaw();
                return;
            }
            if (_inBody) EmitBody();
            else EmitHead();
        }

        private void EmitHead()
        {
            var skip = Http1RequestReader.CountLeadingEmptyLines(_buffer.Unread);
            if (skip > 0)
            {
                _buffer.Advance(skip);
                _reader.Reset();
            }
            if (_buffer.IsEmpty)
            {
                if (IsClosed(_stage.In)) { CompleteStage(); return; }
                _headersDeadline = 0;
                ArmKeepAlive();
                PublishDeadline();
                PullIfNeeded();
                return;
            }

            var status = _reader.TryRead(_buffer.Unread, out var consumed, out var head, out var reason);
            switch (status)
            {
                case ReadStatus.Done:
                    _buffer.Advance(consumed);
                    _keepAliveDeadline = 0;
                    _headersDeadline = 0;
                    PublishDeadline();
                    if (head!.HasBody)
                    {
                        _inBody = true;
                        _body.Start(head.Framing, head.ContentLength);
                    }
                    Push(_stage.Out, new HttpInbound.Head(head));
                    return;

                case ReadStatus.Invalid:
                    Reject(reason);
                    return;

                default:
                    if (IsClosed(_stage.In)) { CompleteStage(); return; }
                    // The first byte of a request starts the head deadline; idle time before it does not count.
                    _keepAliveDeadline = 0;
                    ArmHeaders();
                    PublishDeadline();
                    PullIfNeeded();
                    return;
            }
        }

        private void EmitBody()
        {
            var status = _body.Read(_buffer.Unread, out var consumed, out var data, out var reason);
            switch (status)
            {
                case BodyReadStatus.Data:
                    var slice = _buffer.Slice(data);
                    _buffer.Advance(consumed);
                    Push(_stage.Out, new HttpInbound.BodyPart(slice));
                    return;

                case BodyReadStatus.Done:
                    _buffer.Advance(consumed);
                    _inBody = false;
                    Push(_stage.Out, HttpInbound.End.Instance);
                    return;

                case BodyReadStatus.Invalid:
                    Reject(reason);
                    return;

                default:
                    _buffer.Advance(consumed);
                    // A body cut short by the peer's FIN is not a request: stop here.
                    if (IsClosed(_stage.In)) { CompleteStage(); return; }
                    PullIfNeeded();
                    return;
            }
        }

        /// <summary>Not HTTP any more: hand on whatever is buffered (bytes sent right after the upgrade), then pass through.</summary>
        private void EmitRaw()
        {
            _keepAliveDeadline = 0;
            _headersDeadline = 0;
            StopWatching(); // WebSocket keep-alive is the WebSocket stage's (pings)
            if (!_buffer.IsEmpty)
            {
                Push(_stage.Out, new HttpInbound.Raw(_buffer.TakeAll()));
                return;
            }
            if (IsClosed(_stage.In)) { CompleteStage(); return; }
            PullIfNeeded();
        }

        private void Reject(RejectionReason reason)
        {
            _done = true;
            _keepAliveDeadline = 0;
            _headersDeadline = 0;
            _buffer.Dispose();
            HubMetrics.RequestRejected(reason, _stage.Telemetry.ServerPort);
            // Framing is in doubt after a rejection, so nothing more is parsed on this connection.
            Push(_stage.Out, new HttpInbound.Rejected(reason));
            CompleteStage();
        }

        private void PullIfNeeded()
        {
            if (!HasBeenPulled(_stage.In) && !IsClosed(_stage.In)) Pull(_stage.In);
        }

        public override void PostStop()
        {
            StopWatching();
            _buffer.Dispose();
            base.PostStop();
        }
    }
}
