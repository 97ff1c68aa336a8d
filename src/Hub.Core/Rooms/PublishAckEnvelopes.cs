using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>The answers to a hub.v1 <c>publish</c> command that carries an <c>id</c> (docs/rooms-protocol.md):
/// the position the message got, or why it got none. Sent to the publishing socket only.</summary>
internal static class PublishAckEnvelopes
{
    public static PreparedFrame Published(string room, string id, RoomPosition position) => RoomEnvelopes.Render(w =>
    {
        w.WriteString("type", "published");
        w.WriteString("id", id);
        w.WriteString("room", room);
        w.WriteString("epoch", position.Epoch);
        w.WriteNumber("offset", position.Offset);
        w.WriteString("position", position.ToString());
    });

    public static PreparedFrame Failed(string room, string id, string reason) => RoomEnvelopes.Render(w =>
    {
        w.WriteString("type", "publish-failed");
        w.WriteString("id", id);
        w.WriteString("room", room);
        w.WriteString("reason", reason);
    });
}
