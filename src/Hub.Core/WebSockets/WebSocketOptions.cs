using Hub.Configuration;

namespace Hub.WebSockets;

/// <summary>
/// What one WebSocket connection runs with: the configured limits and timings, plus what the handshake settled
/// (permessage-deflate parameters). Fixed at the upgrade.
/// </summary>
internal sealed record WebSocketOptions(WebSocketSettings Settings, OverflowPolicy Overflow, DeflateParameters? Deflate)
{
    /// <summary>hub.limits: the connection's incoming message rate; null or without a rate: unlimited.</summary>
    public LimitSettings? Limits { get; init; }
}

/// <summary>Negotiated permessage-deflate parameters (RFC 7692 §7.1).</summary>
internal sealed record DeflateParameters(bool ServerNoContextTakeover, bool ClientNoContextTakeover, int ServerMaxWindowBits, int ClientMaxWindowBits);
