using System.Buffers;
using Akka;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Http;

namespace Hub.Server;

/// <summary>
/// The per-connection stream: TcpTransport or SocketTransport (hub.transport) ⇄ [Tls ⇄] Http1Decoder/Http1Encoder ⇄ WebSocket ⇄ ConnectionBridge, one fused island (no
/// async boundaries: every hop inside is a method call), built and fused once per listener; what differs per
/// connection travels as a <see cref="ConnectionContext"/> attribute.
/// </summary>
internal sealed class ConnectionGraph : IDisposable
{
    private readonly IRunnableGraph<NotUsed> _blueprint;
    private readonly IMaterializer _materializer;
    // One timer for every connection's keep-alive and request-head deadlines (see DeadlineSweep).
    private readonly DeadlineSweep? _sweep;

    /// <param name="settings">Limits and timeouts for every connection built from this blueprint.</param>
    /// <param name="materializer">One materializer for all connections of a listener: Akka.NET's
    /// <c>Materializer()</c> creates a new stream supervisor actor on every call.</param>
    /// <param name="telemetry">Where the stages count bytes, messages and rejections.</param>
    /// <param name="socketBuffers">The pool the sockets transport rents its receive and send buffers from; null:
    /// <see cref="ArrayPool{T}.Shared"/> (tests pass a counting pool).</param>
    /// <param name="tls">Set on a TLS listener: a TLS stage then sits between the transport and the HTTP codec.</param>
    public ConnectionGraph(HubSettings settings, IMaterializer materializer, ListenerTelemetry telemetry,
        ArrayPool<byte>? socketBuffers = null, Tls.TlsServerContext? tls = null)
    {
        _materializer = materializer;
        // transport (received bytes) → HTTP decoder → WebSocket layer → bridge → actor, and back down through the
        // WebSocket layer and HTTP encoder to the transport (bytes to write). Built and fused once: each connection
        // materializes the same fused island with its own ConnectionContext, instead of building, and fusing, a
        // module tree per accept (which cost CPU per accept and ~1.5 KB of retained modules per connection).
        _sweep = DeadlineSweep.PeriodFor(settings.Http.KeepAliveTimeout, settings.Http.RequestHeadersTimeout) is { } period
            ? new DeadlineSweep(period)
            : null;
        var tcp = settings.Transport == HubTransport.Sockets
            ? Flow.FromGraph(new SocketTransportStage(settings.Server.MaxUnackedWriteBytes, settings.Server.LingerTimeout,
                telemetry, socketBuffers ?? ArrayPool<byte>.Shared))
            : Flow.FromGraph(new TcpTransportStage(null, null, settings.Server.MaxUnackedWriteBytes, settings.Server.LingerTimeout, telemetry));
        var transport = tls is null ? tcp : tcp.Join(BidiFlow.FromGraph(new Tls.TlsStage(tls, telemetry)));
        var codec = BidiFlow.FromFlows(
            Flow.FromGraph(new Http1DecoderStage(settings.Http, null, telemetry, _sweep)),
            Flow.FromGraph(new Http1EncoderStage(settings.Http)));
        var webSocket = BidiFlow.FromGraph(new WebSockets.WebSocketStage(null, telemetry));
        var bridge = Flow.FromGraph(new ConnectionBridgeStage(null, null, telemetry));
        _blueprint = RunnableGraph.FromGraph(Fusing.Aggressive(transport.Join(codec).Join(webSocket).Join(bridge)));
    }

    /// <summary>The listener is gone: stop the sweep (its connections are stopped with it).</summary>
    public void Dispose() => _sweep?.Dispose();

    public void Run(TransportHandle transport, IActorRef connectionActor, ConnectionSignals signals) =>
        _blueprint.WithAttributes(new Attributes(new ConnectionContext(transport, connectionActor, signals))).Run(_materializer);
}
