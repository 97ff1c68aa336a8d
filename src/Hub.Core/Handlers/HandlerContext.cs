using Akka.Actor;
using Akka.Event;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Http;
using Hub.Routing;
using Hub.Server;

namespace Hub.Handlers;

/// <summary>
/// Everything a handler needs from its connection for one request: the request, where output goes, and the
/// connection's signals. Created by the connection actor per request; lives on the actor's "thread".
/// </summary>
internal sealed class HandlerContext
{
    public HandlerContext(HttpRequest request, RouteValues routeValues, Application application, HubSettings settings,
        ConnectionSignals signals, IActorRef bridge, IActorRef self, ILoggingAdapter log, string connectionId,
        bool closeAfterResponse, DrainSignal drain)
    {
        _drain = drain;
        Request = request;
        RouteValues = routeValues;
        Application = application;
        Settings = settings;
        Signals = signals;
        Bridge = bridge;
        Self = self;
        Log = log;
        ConnectionId = connectionId;
        CloseAfterResponse = closeAfterResponse;
    }

    public HttpRequest Request { get; }
    public RouteValues RouteValues { get; }
    public Application Application { get; }
    public HubSettings Settings { get; }
    public ConnectionSignals Signals { get; }
    public IActorRef Bridge { get; }
    public IActorRef Self { get; }
    public ILoggingAdapter Log { get; }
    public string ConnectionId { get; }

    /// <summary>The request's current user (RequestHandler.CurrentUser), for the access log and log lines.</summary>
    public string? User { get; set; }

    /// <summary>What log lines about this request start with: the connection id, and the user when there is one.</summary>
    public string LogTag => User is null ? ConnectionId : $"{ConnectionId} user={User}";

    private readonly DrainSignal _drain;

    /// <summary>Fires when the server starts a graceful stop.</summary>
    public CancellationToken ServerStopping => _drain.Stopping;
    private bool _closeAfterResponse;

    /// <summary>The connection ends after this response (client asked, server draining, body left unread …).</summary>
    public bool CloseAfterResponse
    {
        get => _closeAfterResponse || _drain.IsDraining;
        set => _closeAfterResponse = value;
    }

    /// <summary>The inbound element being handled has not been acked yet; the final response element carries the ack.</summary>
    public bool AckPending { get; set; }

    /// <summary>The response has been completely handed to the bridge.</summary>
    public bool ResponseComplete { get; private set; }

    /// <summary>Headers have gone out (a flush happened): errors can no longer become a response.</summary>
    public bool HeadersSent { get; set; }

    /// <summary>Where this request's metrics and access-log line go.</summary>
    public ListenerTelemetry Telemetry { get; init; } = ListenerTelemetry.Unbound;

    // For the request metrics and the access log: when the head was parsed, the status sent, the body bytes sent.
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();
    private int _status;
    private long _bodyBytes;

    /// <summary>This node's rooms.</summary>
    public IRooms Rooms { get; init; } = null!;

    /// <summary>The response was a 101: the connection is a WebSocket from now on.</summary>
    public bool Upgraded { get; private set; }

    /// <summary>Sends the 101 and switches the stream to WebSocket framing. The inbound ack waits for OpenAsync.</summary>
    public void SendUpgrade(WebSockets.WsOutbound.Accept accept)
    {
        ResponseComplete = true;
        HeadersSent = true;
        Upgraded = true;
        // Measured before the tell: once the bridge has it, the client may see it before this line would run.
        _status = 101;
        ResponseDone();
        Bridge.Tell(new ConnectionProtocol.Outbound(accept, null, false, false), Self);
    }

    /// <summary>Queues one element; the last element of the response also acks the inbound element and may close.</summary>
    public void Send(HttpOutbound element, bool isLast, TaskCompletionSource? accepted)
    {
        var ack = false;
        var close = false;
        switch (element)
        {
            case HttpOutbound.Head head:
                _status = head.Status;
                if (!head.SuppressBody) _bodyBytes += head.Body.Count;
                break;
            case HttpOutbound.Chunk chunk:
                _bodyBytes += chunk.Data.Count;
                break;
        }
        if (isLast)
        {
            ResponseComplete = true;
            ack = AckPending;
            AckPending = false;
            close = CloseAfterResponse;
            // Measured before the tell: once the bridge has it, the client may see it before this line would run.
            ResponseDone();
        }
        Bridge.Tell(new ConnectionProtocol.Outbound(element, accepted, ack, close), Self);
    }

    /// <summary>Ends the connection without completing the response (the client sees a truncated message).</summary>
    public void AbortResponse()
    {
        // Counted once, with the status of a head already sent, else as "other" (status 0): no response went out.
        if (!ResponseComplete) ResponseDone();
        ResponseComplete = true;
        AckPending = false;
        Bridge.Tell(new ConnectionProtocol.Outbound(null, null, false, true), Self);
    }

    /// <summary>The response has been handed to the bridge (or cut short): one request measured and logged.</summary>
    private void ResponseDone()
    {
        HubMetrics.RequestCompleted(_status, _started, Telemetry.ServerPort);
        Telemetry.AccessLog?.Write(Request, User, _status, _bodyBytes, _started);
    }
}
