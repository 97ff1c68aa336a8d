namespace LoadGen;

/// <summary>Frame opcodes (RFC 6455 §5.2; §11.8 registry).</summary>
internal enum WsOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}
