namespace LoadGen;

/// <summary>The connection ended: the server sent Close (<see cref="Code"/>) or closed TCP (code 1006, RFC 6455 §7.1.5).</summary>
internal sealed class WsClosedException(int code, string reason)
    : Exception($"connection closed by the server: {code}{(reason.Length > 0 ? " " + reason : "")}")
{
    public int Code { get; } = code;
}
