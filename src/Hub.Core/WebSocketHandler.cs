using Akka.Actor;
using Akka.Event;
using Hub.Configuration;
using Hub.Http;
using Hub.Http.Codec;
using Hub.Server;
using Hub.WebSockets;

namespace Hub;

/// <summary>
/// Base class for WebSocket endpoints, one instance per socket (Tornado's <c>WebSocketHandler</c>). A GET to its
/// route performs the RFC 6455 handshake; then <see cref="OpenAsync"/>, <see cref="OnMessageAsync"/> (one message at a
/// time) and finally <see cref="OnClose()"/> run on the connection's actor.
/// <code>
/// public sealed class EchoSocket : WebSocketHandler
/// {
///     public override Task OnMessageAsync(WsMessage m) =>
///         m.IsText ? WriteMessageAsync("Echo: " + m.Text) : WriteMessageAsync(m.Data);
/// }
/// </code>
/// </summary>
public abstract class WebSocketHandler : RequestHandler
{
    private ConnectionRooms? _rooms;
    private bool _closed;

    /// <summary>The socket's outbox: tell it <see cref="Messages.SendText"/>, <see cref="Messages.SendBinary"/> or
    /// <see cref="Messages.CloseConnection"/> from any actor or thread; it does not wait for this handler.</summary>
    public IActorRef Outbox => Context.Bridge;

    /// <summary>The subprotocol chosen by <see cref="SelectSubprotocol"/>, if any.</summary>
    public string? SelectedSubprotocol { get; private set; }

    /// <summary>The code of the Close that ended the socket (1005 none given, 1006 no closing handshake).</summary>
    public int? CloseCode { get; private set; }

    public string? CloseReason { get; private set; }

    /// <summary>This socket's rooms: join, leave, publish (with exceptSelf).</summary>
    public new ConnectionRooms Rooms => _rooms ??= new ConnectionRooms(base.Rooms, Outbox, ConnectionRef);

    // ---- hooks ----

    /// <summary>The socket is open (101 sent). Messages that arrive meanwhile wait until this completes.</summary>
    public virtual Task OpenAsync() => Task.CompletedTask;

    /// <summary>One complete message. The next is not delivered before the returned task completes.</summary>
    public virtual Task OnMessageAsync(WsMessage message) => Task.CompletedTask;

    /// <summary>The socket is closed; rooms are left for you. <see cref="CloseCode"/> says how.</summary>
    public virtual void OnClose() { }

    /// <summary>
    /// The socket is closed, with the peer's close code and reason (1005 when its Close carried none, 1006 when
    /// there was no closing handshake). Default: calls <see cref="OnClose()"/>; override whichever reads better.
    /// </summary>
    public virtual void OnClose(int code, string reason) => OnClose();

    /// <summary>A pong arrived (answer to <see cref="PingAsync"/> or the server's keep-alive ping, or unsolicited).</summary>
    public virtual void OnPong(ReadOnlyMemory<byte> data) { }

    /// <summary>Messages told to the connection's actor that Hub does not know land here, on the handler's turn.</summary>
    public virtual Task OnActorMessageAsync(object message) => Task.CompletedTask;

    /// <summary>Someone joined or left a room this socket joined with <see cref="PresenceDelivery.Handler"/>.</summary>
    public virtual Task OnPresenceAsync(PresenceEvent presence) => Task.CompletedTask;

    /// <summary>Routes a message told to the connection's actor to the hook it belongs to.</summary>
    internal Task DispatchActorMessageAsync(object message) =>
        message is PubSub.RoomNodeActor.ToHandler presence ? OnPresenceAsync(presence.Event) : OnActorMessageAsync(message);

    /// <summary>
    /// Accept the upgrade from this Origin? Default: hub.websocket.check-origin (same-host: the Origin's host must
    /// equal the request's Host, like Tornado). Requests without Origin (non-browser clients) are not checked.
    /// </summary>
    public virtual bool CheckOrigin(string origin)
    {
        var ws = Settings.WebSocket;
        switch (ws.CheckOrigin)
        {
            case OriginPolicy.Any:
                return true;
            case OriginPolicy.List:
                foreach (var allowed in ws.AllowedOrigins)
                    if (string.Equals(allowed.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)) return true;
                return false;
            default:
                return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                       && string.Equals(uri.Authority, Request.Host, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Pick one of the client's subprotocols, or null for none. Only offered names can be selected.</summary>
    public virtual string? SelectSubprotocol(IReadOnlyList<string> offered) => null;

    /// <summary>Offer permessage-deflate (RFC 7692) to clients that ask for it? Default: hub.websocket.per-message-deflate
    /// (Tornado's get_compression_options). Costs a compressor and an inflater per socket.</summary>
    public virtual bool PerMessageDeflate => Settings.WebSocket.PerMessageDeflate;

    /// <summary>What happens when this socket's outbound queue is full. Default: hub.websocket.outbound-overflow.</summary>
    public virtual OverflowPolicy OverflowPolicy => Settings.WebSocket.OutboundOverflow;

    // ---- sending ----

    /// <summary>Queues a text message. Completes when queued; faults with <see cref="ConnectionClosedException"/>
    /// when the socket is closed.</summary>
    public Task WriteMessageAsync(string text) => Send(new WsOutbound.Frame(PreparedFrame.Text(text)));

    /// <summary>Queues a binary message.</summary>
    public Task WriteMessageAsync(ReadOnlyMemory<byte> binary) => Send(new WsOutbound.Frame(PreparedFrame.Binary(binary.Span)));

    /// <summary>Queues a frame prepared once (for sending the same message to many sockets).</summary>
    public Task WriteMessageAsync(PreparedFrame frame) => Send(new WsOutbound.Frame(frame));

    /// <summary>Starts the closing handshake (RFC 6455 §7.1.2). 1000 = normal closure.</summary>
    public void Close(ushort code = CloseCodes.NormalClosure, string? reason = null)
    {
        if (_closed || Context.Signals.IsTerminated) return;
        if (!CloseCodes.IsValidOnWire(code))
            throw new ArgumentOutOfRangeException(nameof(code), code, "not a close code that may be sent");
        Context.Bridge.Tell(new ConnectionProtocol.Outbound(new WsOutbound.Close(code, reason), null, false, false), Context.Self);
    }

    /// <summary>Sends a ping (payload at most 125 bytes); the pong arrives in <see cref="OnPong"/>.</summary>
    public Task PingAsync(byte[]? payload = null)
    {
        payload ??= [];
        if (payload.Length > 125) throw new ArgumentException("ping payload is at most 125 bytes", nameof(payload));
        return Send(new WsOutbound.Ping(payload));
    }

    private Task Send(WsOutbound element)
    {
        if (_closed || Context.Signals.IsTerminated || !IsUpgraded) return Task.FromException(new ConnectionClosedException());
        Context.Bridge.Tell(new ConnectionProtocol.Outbound(element, null, false, false), Context.Self);
        return Task.CompletedTask;
    }

    internal bool IsUpgraded { get; private set; }

    // ---- the handshake ----

    /// <summary>The upgrade. Not overridable: use <see cref="RequestHandler.PrepareAsync"/>, <see cref="CheckOrigin"/> and
    /// <see cref="OpenAsync"/> instead.</summary>
    public sealed override Task GetAsync()
    {
        var head = Request.Head;
        if (Handshake.Validate(head) is { } refusal)
        {
            SetStatus(refusal.Status);
            SetHeader("Content-Type", "text/plain; charset=UTF-8");
            if (refusal.Status == 426) SetHeader("Sec-WebSocket-Version", "13");
            Write(refusal.Reason);
            return Task.CompletedTask;
        }
        var origin = Request.Headers.Get("Origin") ?? Request.Headers.Get("Sec-WebSocket-Origin");
        if (origin is not null && !CheckOrigin(origin))
        {
            SetStatus(403);
            SetHeader("Content-Type", "text/plain; charset=UTF-8");
            Write("Cross origin websockets not allowed");
            return Task.CompletedTask;
        }

        var headers = new HttpHeaders();
        headers.Add("Upgrade", "websocket");
        headers.Add("Sec-WebSocket-Accept", Handshake.AcceptFor(Request.Headers.Get("Sec-WebSocket-Key")!));
        var offered = Handshake.OfferedSubprotocols(Request.Headers);
        if (offered.Count > 0 && SelectSubprotocol(offered) is { } chosen)
        {
            // Never select a subprotocol the client did not offer (RFC 6455 §4.2.2).
            if (!offered.Contains(chosen, StringComparer.Ordinal))
                throw new InvalidOperationException($"SelectSubprotocol returned '{chosen}', which the client did not offer");
            SelectedSubprotocol = chosen;
            headers.Add("Sec-WebSocket-Protocol", chosen);
        }
        DeflateParameters? deflate = null;
        if (PerMessageDeflate && NegotiateDeflate() is { } negotiated)
        {
            deflate = negotiated.Parameters;
            headers.Add("Sec-WebSocket-Extensions", negotiated.Response);
        }
        foreach (var (name, value) in ResponseHeaders)
            if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)) headers.Add(name, value);

        var response = new HttpOutbound.Head(101, null, headers, ResponseFraming.NoBody, 0, ConnectionMode.Upgrade,
            suppressBody: false, Akka.IO.ByteString.Empty, isLast: true);
        var options = new WebSocketOptions(Settings.WebSocket, OverflowPolicy, deflate) { Limits = Settings.Limits };
        Context.SendUpgrade(new WsOutbound.Accept(response, options));
        IsUpgraded = true;
        return RunOpenAsync();
    }

    // Unknown extensions are ignored; an offer that cannot be honoured exactly is declined (no header).
    private (DeflateParameters Parameters, string Response)? NegotiateDeflate() =>
        WebSockets.PerMessageDeflate.Negotiate(Request.Headers.GetAll("Sec-WebSocket-Extensions"));

    private async Task RunOpenAsync()
    {
        try
        {
            await OpenAsync().ConfigureAwait(true);
        }
        catch (Exception e)
        {
            Log.Error(e, "[{0}] {1}.OpenAsync failed", Context.LogTag, GetType().Name);
            Close(CloseCodes.InternalError, "internal error");
        }
    }

    /// <summary>Runs <see cref="OnClose()"/> once, after the socket is gone.</summary>
    internal void NotifyClosed(int code, string reason)
    {
        if (_closed) return;
        _closed = true;
        CloseCode = code;
        CloseReason = reason;
        _rooms?.LeaveAllAfterClose();
        try { OnClose(code, reason); }
        catch (Exception e) { Log.Error(e, "[{0}] {1}.OnClose failed", Context.LogTag, GetType().Name); }
    }
}
