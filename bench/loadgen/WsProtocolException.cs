namespace LoadGen;

/// <summary>The server broke RFC 6455 (or the handshake failed): the benchmark run is invalid.</summary>
internal sealed class WsProtocolException(string message) : Exception(message);
