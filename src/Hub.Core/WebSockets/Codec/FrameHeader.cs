namespace Hub.WebSockets.Codec;

/// <summary>A decoded frame header (RFC 6455 §5.2).</summary>
internal readonly record struct FrameHeader(bool Fin, bool Rsv1, WsOpcode Opcode, bool Masked, uint MaskKey, long PayloadLength, int HeaderLength)
{
    public bool IsControl => ((byte)Opcode & 0x8) != 0;
}
