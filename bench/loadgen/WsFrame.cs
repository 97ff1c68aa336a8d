namespace LoadGen;

/// <summary>A complete data message as <see cref="WsClient.ReceiveAsync"/> returns it. <see cref="Payload"/> points
/// into the client's buffer and is valid until the next receive.</summary>
internal readonly record struct WsFrame(WsOpcode Opcode, ReadOnlyMemory<byte> Payload)
{
    public bool IsText => Opcode == WsOpcode.Text;
}
