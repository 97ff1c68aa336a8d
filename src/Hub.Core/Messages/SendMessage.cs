namespace Hub.Messages;

/// <summary>
/// Tell a WebSocket connection's outbox (<see cref="WebSocketHandler.Outbox"/>) to send a text message — from any
/// actor or thread, on any node, without going through the handler.
/// </summary>
public sealed record SendText(string Text);

/// <summary>Tell a WebSocket connection's outbox to send a binary message.</summary>
public sealed record SendBinary(byte[] Data);
