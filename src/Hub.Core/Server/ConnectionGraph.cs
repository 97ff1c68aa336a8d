using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Hub.Configuration;
using Hub.Diagnostics;
using Hub.Http;

namespace Hub.Server;

/// <summary>
/// The per-connection stream: TcpTransport ⇄ Http1Decoder/Http1Encoder ⇄ ConnectionBridge, one fused island (no
/// async boundaries: every hop inside is a method call). Codec stages are immutable and shared by all connections;
/// only the two stages that hold actor refs are made per connection.
/// </summary>
internal sealed class ConnectionGraph
{
    private readonly HubSettings _settings;
    private readonly Http1EncoderStage _encoder;
    private readonly IMaterializer _materializer;

    /// <param name="settings">Limits and timeouts for every connection built from this blueprint.</param>
    /// <param name="materializer">One materializer for all connections of a listener: Akka.NET's
    /// <c>Materializer()</c> creates a new stream supervisor actor on every call.</param>
    public ConnectionGraph(HubSettings settings, IMaterializer materializer)
    {
        _settings = settings;
        _materializer = materializer;
        _encoder = new Http1EncoderStage(settings.Http);
    }

    public void Run(IActorRef tcpConnection, IActorRef connectionActor, ConnectionSignals signals, ListenerTelemetry telemetry)
    {
        var transport = Flow.FromGraph(new TcpTransportStage(tcpConnection, connectionActor, _settings.Server.MaxUnackedWriteBytes, _settings.Server.LingerTimeout, telemetry));
        var protocolSwitch = new WebSockets.ProtocolSwitch();
        var decoder = new Http1DecoderStage(_settings.Http, protocolSwitch, telemetry);
        var codec = BidiFlow.FromFlows(Flow.FromGraph(decoder), Flow.FromGraph(_encoder));
        var webSocket = BidiFlow.FromGraph(new WebSockets.WebSocketStage(protocolSwitch, telemetry));
        var bridge = Flow.FromGraph(new ConnectionBridgeStage(connectionActor, signals, telemetry));
        // transport (received bytes) → HTTP decoder → WebSocket layer → bridge → actor, and back down through the
        // WebSocket layer and HTTP encoder to the transport (bytes to write).
        transport.Join(codec).Join(webSocket).Join(bridge).Run(_materializer);
    }
}
