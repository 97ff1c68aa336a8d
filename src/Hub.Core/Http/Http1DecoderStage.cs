using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using Hub.Buffers;
using Hub.Configuration;
using Hub.Http.Codec;

namespace Hub.Http;

/// <summary>
/// Bytes → <see cref="HttpInbound"/>: request heads, body slices, end-of-body, or one rejection after which the stage
/// completes. Parses only on demand, so a pipelined request waits in the buffer (unparsed, unanswered) until the
/// previous response is done, and the socket is not read while the buffer holds a complete request.
///
/// Owns the two connection timers that depend on parse state, armed only while the connection waits for a request:
/// keep-alive-timeout while nothing of the next request has arrived (expiry closes quietly), and
/// request-headers-timeout once its first byte has (expiry answers 408).
/// </summary>
internal sealed class Http1DecoderStage : GraphStage<FlowShape<ByteString, HttpInbound>>
{
    public Http1DecoderStage(HttpSettings settings, WebSockets.ProtocolSwitch? protocolSwitch = null)
    {
        Settings = settings;
        Switch = protocolSwitch;
        Shape = new FlowShape<ByteString, HttpInbound>(In, Out);
    }

    public HttpSettings Settings { get; }

    /// <summary>Set by the WebSocket stage after a 101: from then on bytes pass through as <see cref="HttpInbound.Raw"/>.</summary>
    public WebSockets.ProtocolSwitch? Switch { get; }
    public Inlet<ByteString> In { get; } = new("Http1Decoder.in");
    public Outlet<HttpInbound> Out { get; } = new("Http1Decoder.out");
    public override FlowShape<ByteString, HttpInbound> Shape { get; }
    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("Http1Decoder");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private const string KeepAliveTimer = "keep-alive";
        private const string HeadersTimer = "headers";

        private readonly Http1DecoderStage _stage;
        private readonly ReceiveBuffer _buffer = new();
        private Http1RequestReader _reader;
        private Http1BodyReader _body;
        private bool _inBody;
        private bool _done;

        public Logic(Http1DecoderStage stage) : base(stage.Shape)
        {
            _stage = stage;
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

        private bool IsSwitched => _stage.Switch is { Switched: true };

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

        protected override void OnTimer(object timerKey)
        {
            if (_done || _inBody || IsSwitched) return;
            if (timerKey is KeepAliveTimer)
            {
                // Idle keep-alive connection: close without a response (Kestrel and nginx do the same).
                CompleteStage();
            }
            else if (timerKey is HeadersTimer && IsAvailable(_stage.Out))
            {
                Reject(RejectionReason.RequestHeadersTimeout);
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
                CancelTimer(HeadersTimer);
                if (!IsTimerActive(KeepAliveTimer) && _stage.Settings.KeepAliveTimeout != Timeout.InfiniteTimeSpan)
                    ScheduleOnce(KeepAliveTimer, _stage.Settings.KeepAliveTimeout);
                PullIfNeeded();
                return;
            }

            var status = _reader.TryRead(_buffer.Unread, out var consumed, out var head, out var reason);
            switch (status)
            {
                case ReadStatus.Done:
                    _buffer.Advance(consumed);
                    CancelTimer(KeepAliveTimer);
                    CancelTimer(HeadersTimer);
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
                    CancelTimer(KeepAliveTimer);
                    if (!IsTimerActive(HeadersTimer) && _stage.Settings.RequestHeadersTimeout != Timeout.InfiniteTimeSpan)
                        ScheduleOnce(HeadersTimer, _stage.Settings.RequestHeadersTimeout);
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
            CancelTimer(KeepAliveTimer);
            CancelTimer(HeadersTimer);
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
            CancelTimer(KeepAliveTimer);
            CancelTimer(HeadersTimer);
            _buffer.Dispose();
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
            _buffer.Dispose();
            base.PostStop();
        }
    }
}
