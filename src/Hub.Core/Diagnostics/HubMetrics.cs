using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hub.Configuration;
using Hub.Http.Codec;

namespace Hub.Diagnostics;

/// <summary>
/// Hub's instruments, on one <see cref="Meter"/> named <c>Hub</c> (System.Diagnostics.Metrics, so OpenTelemetry,
/// dotnet-counters and MeterListener all see them without Hub knowing about any exporter). Names and tags follow
/// the OpenTelemetry semantic conventions where one applies (<c>http.response.status_class</c>, <c>server.port</c>,
/// units "s", "By", "{connection}"), the rest live under <c>hub.</c>.
///
/// The record methods run on the hot path (every request, frame, read and write): instruments are made once, tags
/// are prebuilt <see cref="KeyValuePair{TKey,TValue}"/>s carried in a stack-only <see cref="TagList"/> (no
/// allocation up to eight tags), and each method returns at once when nobody listens to the instrument.
/// docs/operations.md lists every instrument.
/// </summary>
public static class HubMetrics
{
    public const string MeterName = "Hub";

    /// <summary>The meter; its version is Hub.Core's assembly version.</summary>
    public static readonly Meter Meter = new(MeterName, typeof(HubMetrics).Assembly.GetName().Version?.ToString());

    // ---- tag values, built once ----

    internal const string ServerPortTag = "server.port";
    internal const string ConnectionKindTag = "hub.connection.kind";
    internal const string RejectionReasonTag = "hub.rejection.reason";
    internal const string StatusClassTag = "http.response.status_class";
    internal const string StatusCodeTag = "http.response.status_code";
    internal const string CloseCodeTag = "hub.websocket.close.code";
    internal const string OverflowPolicyTag = "hub.websocket.overflow_policy";

    private static readonly KeyValuePair<string, object?> KindHttp = new(ConnectionKindTag, "http");
    private static readonly KeyValuePair<string, object?> KindWebSocket = new(ConnectionKindTag, "websocket");
    private static readonly KeyValuePair<string, object?> RefusedMaxConnections = new(RejectionReasonTag, "max-connections");
    private static readonly KeyValuePair<string, object?> RefusedDraining = new(RejectionReasonTag, "draining");

    // Index = status / 100; 0 (no status: the response was cut before its head) and anything out of range → "other".
    private static readonly KeyValuePair<string, object?>[] StatusClasses =
    [
        new(StatusClassTag, "other"), new(StatusClassTag, "1xx"), new(StatusClassTag, "2xx"),
        new(StatusClassTag, "3xx"), new(StatusClassTag, "4xx"), new(StatusClassTag, "5xx"),
    ];

    // One (reason, status) pair per RejectionReason, indexed by the enum's value.
    private static readonly KeyValuePair<string, object?>[][] Rejections = Enum.GetValues<RejectionReason>()
        .OrderBy(r => (int)r)
        .Select(r => new KeyValuePair<string, object?>[]
        {
            new(RejectionReasonTag, KebabCase(r.ToString())),
            new(StatusCodeTag, HttpRejection.StatusOf(r)),
        })
        .ToArray();

    private static readonly KeyValuePair<string, object?>[] OverflowPolicies =
        Enum.GetValues<OverflowPolicy>().OrderBy(p => (int)p)
            .Select(p => new KeyValuePair<string, object?>(OverflowPolicyTag, KebabCase(p.ToString()))).ToArray();

    // Close codes are 1000–4999 (RFC 6455 §7.4); the registered ones get a cached boxed tag, others box per close.
    private static readonly KeyValuePair<string, object?>[] CloseCodes = Enumerable.Range(1000, 16)
        .Select(c => new KeyValuePair<string, object?>(CloseCodeTag, c)).ToArray();

    // ---- instruments ----

    internal static readonly UpDownCounter<long> ActiveConnections = Meter.CreateUpDownCounter<long>(
        "hub.server.active_connections", "{connection}",
        "Open connections, by kind (http, websocket): a connection moves from http to websocket when it upgrades.");

    internal static readonly Counter<long> AcceptedConnections = Meter.CreateCounter<long>(
        "hub.server.accepted_connections", "{connection}", "Connections accepted.");

    internal static readonly Counter<long> RejectedConnections = Meter.CreateCounter<long>(
        "hub.server.rejected_connections", "{connection}",
        "Connections refused at accept, by reason (max-connections, draining).");

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "hub.http.server.requests", "{request}", "Responses completed (or cut short), by status class.");

    // Buckets of the OpenTelemetry HTTP semantic conventions for http.server.request.duration.
    internal static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "hub.http.server.request.duration", "s",
        "Time from a request head being parsed to its response being handed to the connection, by status class.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
        });

    internal static readonly Counter<long> RejectedRequests = Meter.CreateCounter<long>(
        "hub.http.server.rejected_requests", "{request}",
        "Requests refused by the HTTP/1.1 codec before any handler ran, by reason and status code.");

    internal static readonly Counter<long> BytesReceived = Meter.CreateCounter<long>(
        "hub.server.received_bytes", "By", "Bytes read from client sockets.");

    internal static readonly Counter<long> BytesSent = Meter.CreateCounter<long>(
        "hub.server.sent_bytes", "By", "Bytes written to client sockets.");

    internal static readonly Counter<long> WebSocketMessagesReceived = Meter.CreateCounter<long>(
        "hub.websocket.received_messages", "{message}", "WebSocket data messages received (after reassembly).");

    internal static readonly Counter<long> WebSocketMessagesSent = Meter.CreateCounter<long>(
        "hub.websocket.sent_messages", "{message}", "WebSocket data messages written to sockets.");

    internal static readonly Counter<long> WebSocketCloses = Meter.CreateCounter<long>(
        "hub.websocket.closes", "{connection}",
        "WebSockets ended, by the close code they ended with (the peer's, the one Hub failed with, or 1006).");

    internal static readonly Counter<long> SlowConsumerCloses = Meter.CreateCounter<long>(
        "hub.websocket.slow_consumer_closes", "{connection}",
        "WebSockets closed with 1008 because their outbound queue overflowed under the close policy.");

    internal static readonly Counter<long> DroppedMessages = Meter.CreateCounter<long>(
        "hub.websocket.dropped_messages", "{message}",
        "Outbound messages dropped from a full queue, by overflow policy (drop-oldest, conflate, close).");

    internal static readonly Counter<long> RateLimitedMessages = Meter.CreateCounter<long>(
        "hub.limits.rate_limited_messages", "{message}",
        "WebSocket messages over hub.limits.messages-per-second, by policy (close: the connection was closed; drop).");

    internal static readonly Counter<long> TlsHandshakes = Meter.CreateCounter<long>(
        "hub.tls.handshakes", "{handshake}", "TLS handshakes completed, by protocol version (tls.protocol.version: 1.2, 1.3).");

    internal static readonly Counter<long> TlsHandshakeFailures = Meter.CreateCounter<long>(
        "hub.tls.handshake_failures", "{handshake}",
        "TLS handshakes that failed or timed out (a plain HTTP request, an old protocol, a truncated or silent client).");

    internal static readonly UpDownCounter<long> Rooms = Meter.CreateUpDownCounter<long>(
        "hub.rooms.active", "{room}", "Rooms with at least one local subscriber.");

    internal static readonly UpDownCounter<long> Subscribers = Meter.CreateUpDownCounter<long>(
        "hub.rooms.subscribers", "{subscriber}", "Local room subscriptions.");

    internal static readonly Histogram<long> FanOut = Meter.CreateHistogram<long>(
        "hub.rooms.broadcast.fan_out", "{subscriber}", "Local subscribers one broadcast was delivered to.",
        tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [0, 1, 2, 5, 10, 50, 100, 500, 1000, 5000, 10000] });

    private static Func<int>? _clusterMembers;

    internal static readonly ObservableGauge<int> ClusterMembers = Meter.CreateObservableGauge(
        "hub.cluster.members", ObserveClusterMembers, "{member}",
        "Cluster members this node sees as up (nothing is reported outside a cluster).");

    // ---- connections ----

    /// <summary>The server.port tag of one listener, built once when it binds.</summary>
    internal static KeyValuePair<string, object?> ServerPort(int port) => new(ServerPortTag, port);

    internal static void ConnectionAccepted(in KeyValuePair<string, object?> server)
    {
        if (AcceptedConnections.Enabled) AcceptedConnections.Add(1, server);
    }

    internal static void ConnectionRejected(bool maxConnections, in KeyValuePair<string, object?> server)
    {
        if (RejectedConnections.Enabled) RejectedConnections.Add(1, maxConnections ? RefusedMaxConnections : RefusedDraining, server);
    }

    internal static void ConnectionOpened(bool webSocket, in KeyValuePair<string, object?> server)
    {
        if (ActiveConnections.Enabled) ActiveConnections.Add(1, webSocket ? KindWebSocket : KindHttp, server);
    }

    internal static void ConnectionClosed(bool webSocket, in KeyValuePair<string, object?> server)
    {
        if (ActiveConnections.Enabled) ActiveConnections.Add(-1, webSocket ? KindWebSocket : KindHttp, server);
    }

    /// <summary>A connection became a WebSocket: it moves from the http count to the websocket count.</summary>
    internal static void ConnectionUpgraded(in KeyValuePair<string, object?> server)
    {
        if (!ActiveConnections.Enabled) return;
        ActiveConnections.Add(-1, KindHttp, server);
        ActiveConnections.Add(1, KindWebSocket, server);
    }

    internal static void Received(int bytes, in KeyValuePair<string, object?> server)
    {
        if (BytesReceived.Enabled) BytesReceived.Add(bytes, server);
    }

    internal static void Sent(int bytes, in KeyValuePair<string, object?> server)
    {
        if (BytesSent.Enabled) BytesSent.Add(bytes, server);
    }

    // ---- HTTP ----

    /// <summary>One response done; <paramref name="startTimestamp"/> is a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</summary>
    internal static void RequestCompleted(int status, long startTimestamp, in KeyValuePair<string, object?> server)
    {
        var requests = Requests.Enabled;
        var duration = RequestDuration.Enabled;
        if (!requests && !duration) return;
        var tags = new TagList { StatusClass(status), server };
        if (requests) Requests.Add(1, in tags);
        if (duration) RequestDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, in tags);
    }

    internal static void RequestRejected(RejectionReason reason, in KeyValuePair<string, object?> server)
    {
        if (!RejectedRequests.Enabled) return;
        var pair = Rejections[(int)reason];
        RejectedRequests.Add(1, pair[0], pair[1], server);
    }

    internal static KeyValuePair<string, object?> StatusClass(int status) =>
        StatusClasses[status is >= 100 and < 600 ? status / 100 : 0];

    // ---- WebSocket ----

    internal static void WebSocketMessageReceived(in KeyValuePair<string, object?> server)
    {
        if (WebSocketMessagesReceived.Enabled) WebSocketMessagesReceived.Add(1, server);
    }

    internal static void WebSocketMessageSent(in KeyValuePair<string, object?> server)
    {
        if (WebSocketMessagesSent.Enabled) WebSocketMessagesSent.Add(1, server);
    }

    internal static void WebSocketClosed(ushort code, in KeyValuePair<string, object?> server)
    {
        if (!WebSocketCloses.Enabled) return;
        var tag = code - 1000 is >= 0 and var i && i < CloseCodes.Length ? CloseCodes[i] : new(CloseCodeTag, (int)code);
        WebSocketCloses.Add(1, tag, server);
    }

    private static readonly KeyValuePair<string, object?> Tls12 = new("tls.protocol.version", "1.2");
    private static readonly KeyValuePair<string, object?> Tls13 = new("tls.protocol.version", "1.3");

    internal static void TlsHandshake(System.Security.Authentication.SslProtocols protocol, in KeyValuePair<string, object?> server)
    {
        if (TlsHandshakes.Enabled) TlsHandshakes.Add(1, protocol == System.Security.Authentication.SslProtocols.Tls13 ? Tls13 : Tls12, server);
    }

    private static readonly KeyValuePair<string, object?> RateClose = new("hub.limits.policy", "close");
    private static readonly KeyValuePair<string, object?> RateDrop = new("hub.limits.policy", "drop");

    internal static void MessageRateLimited(Configuration.MessageRatePolicy policy, in KeyValuePair<string, object?> server)
    {
        if (RateLimitedMessages.Enabled) RateLimitedMessages.Add(1, policy == Configuration.MessageRatePolicy.Close ? RateClose : RateDrop, server);
    }

    internal static void TlsHandshakeFailed(in KeyValuePair<string, object?> server)
    {
        if (TlsHandshakeFailures.Enabled) TlsHandshakeFailures.Add(1, server);
    }

    internal static void SlowConsumerClosed(in KeyValuePair<string, object?> server)
    {
        if (SlowConsumerCloses.Enabled) SlowConsumerCloses.Add(1, server);
    }

    internal static void MessagesDropped(int count, OverflowPolicy policy, in KeyValuePair<string, object?> server)
    {
        if (count > 0 && DroppedMessages.Enabled) DroppedMessages.Add(count, OverflowPolicies[(int)policy], server);
    }

    // ---- rooms and cluster: called by the rooms and cluster code ----

    /// <summary>Rooms appeared (+) or went away (−) on this node.</summary>
    internal static void RoomsChanged(int delta)
    {
        if (delta != 0 && Rooms.Enabled) Rooms.Add(delta);
    }

    /// <summary>Local subscriptions added (+) or removed (−).</summary>
    internal static void SubscribersChanged(int delta)
    {
        if (delta != 0 && Subscribers.Enabled) Subscribers.Add(delta);
    }

    /// <summary>One broadcast reached <paramref name="subscribers"/> local subscribers.</summary>
    internal static void BroadcastFanOut(int subscribers)
    {
        if (FanOut.Enabled) FanOut.Record(subscribers);
    }

    /// <summary>
    /// Where <c>hub.cluster.members</c> reads its value when a collector observes it (e.g. the cluster's up-member
    /// count). Null removes the provider; without one the gauge reports nothing. Last registration wins.
    /// </summary>
    internal static void SetClusterMembersProvider(Func<int>? provider) => Volatile.Write(ref _clusterMembers, provider);

    private static IEnumerable<Measurement<int>> ObserveClusterMembers()
    {
        var provider = Volatile.Read(ref _clusterMembers);
        if (provider is null) return [];
        int members;
        try { members = provider(); }
        catch (Exception) { return []; } // a provider on a stopping cluster must not break the collector
        return [new Measurement<int>(members)];
    }

    private static string KebabCase(string pascal)
    {
        var b = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0) b.Append('-');
                b.Append(char.ToLowerInvariant(c));
            }
            else b.Append(c);
        }
        return b.ToString();
    }
}
