namespace Hub;

/// <summary>Thrown by FlushAsync and friends when the connection is already closed.</summary>
public sealed class ConnectionClosedException() : IOException("The connection is closed.");
