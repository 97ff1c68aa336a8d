namespace Hub.Cluster;

/// <summary>
/// One room broadcast as it crosses nodes: the payload as plain bytes (a <see cref="WebSockets.PreparedFrame"/> holds
/// a ByteString, which has no serializer binding), re-framed once by each receiving node. Serialized by
/// <see cref="HubSerializer"/>.
/// </summary>
/// <param name="Room">The room name (topic "hub-room:" + Room).</param>
/// <param name="IsText">Text (UTF-8) or binary message.</param>
/// <param name="Payload">The message payload, unframed.</param>
/// <param name="OriginNode">Address of the publishing node; that node already delivered the frame locally (honouring
/// exceptSelf) and ignores its own copy.</param>
/// <param name="OriginPublisherId">Optional id of the publishing connection, for diagnostics and future presence.</param>
internal sealed record RoomFrame(string Room, bool IsText, byte[] Payload, string OriginNode, string? OriginPublisherId);
