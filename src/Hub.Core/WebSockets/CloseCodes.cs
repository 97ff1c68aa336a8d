namespace Hub.WebSockets;

/// <summary>WebSocket close status codes (RFC 6455 §7.4.1, IANA registry) and which may appear on the wire.</summary>
public static class CloseCodes
{
    public const ushort NormalClosure = 1000;
    public const ushort GoingAway = 1001;
    public const ushort ProtocolError = 1002;
    public const ushort UnsupportedData = 1003;
    /// <summary>Never sent: "no status code was present" (§7.4.1).</summary>
    public const ushort NoStatusReceived = 1005;
    /// <summary>Never sent: "closed abnormally" (§7.4.1).</summary>
    public const ushort AbnormalClosure = 1006;
    public const ushort InvalidPayloadData = 1007;
    public const ushort PolicyViolation = 1008;
    public const ushort MessageTooBig = 1009;
    public const ushort MandatoryExtension = 1010;
    public const ushort InternalError = 1011;
    public const ushort ServiceRestart = 1012;
    public const ushort TryAgainLater = 1013;
    public const ushort BadGateway = 1014;

    /// <summary>
    /// May a peer send this code in a Close frame? 1000–1003, 1007–1014 and 3000–4999 yes; 0–999, 1004–1006, 1015,
    /// 1016–2999 (reserved) and ≥ 5000 no (→ the receiver fails the connection with 1002).
    /// </summary>
    public static bool IsValidOnWire(int code) => code switch
    {
        >= 1000 and <= 1003 => true,
        >= 1007 and <= 1014 => true,
        >= 3000 and <= 4999 => true,
        _ => false,
    };
}
