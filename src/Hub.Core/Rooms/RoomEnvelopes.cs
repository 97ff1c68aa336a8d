using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hub.WebSockets;

namespace Hub.PubSub;

/// <summary>
/// The JSON frames of docs/rooms-protocol.md, each rendered once and shared by every recipient on a node.
/// Relaxed escaping: the frames go to WebSocket clients, never into HTML, so non-ASCII text stays readable.
/// </summary>
internal static class RoomEnvelopes
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic] private static ArrayBufferWriter<byte>? _buffer;

    public static PreparedFrame Message(RoomMessage m) => Render(w =>
    {
        w.WriteString("type", "message");
        WritePosition(w, m.Room, m.Position);
        var payload = m.Frame.PayloadToArray();
        if (m.Frame.IsText) w.WriteString("text", payload);
        else w.WriteBase64String("binary", payload);
    });

    public static PreparedFrame Joined(string room, RoomJoinResult r) => Render(w =>
    {
        w.WriteString("type", "joined");
        WritePosition(w, room, r.Head);
        w.WriteBoolean("recovered", r.Recovered);
        w.WriteNumber("missed", r.Missed);
        if (r.Reason is not null) w.WriteString("reason", r.Reason);
        w.WriteString("member", r.Member);
    });

    /// <summary>Messages may be missing; the next one follows <paramref name="position"/>.</summary>
    public static PreparedFrame Reset(string room, RoomPosition position, string reason) => Render(w =>
    {
        w.WriteString("type", "reset");
        WritePosition(w, room, position);
        w.WriteBoolean("recovered", false);
        w.WriteString("reason", reason);
    });

    public static PreparedFrame Presence(PresenceEvent e) => Render(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("room", e.Room);
        w.WriteString("event", e.Joined ? "join" : "leave");
        w.WriteString("member", e.Member.Member);
        if (e.Member.User is not null) w.WriteString("user", e.Member.User);
        w.WriteString("node", e.Member.Node);
    });

    public static readonly PreparedFrame Pong = PreparedFrame.Text("{\"type\":\"pong\"}");

    private static void WritePosition(Utf8JsonWriter w, string room, RoomPosition p)
    {
        w.WriteString("room", room);
        w.WriteString("epoch", p.Epoch);
        w.WriteNumber("offset", p.Offset);
        w.WriteString("position", p.ToString());
    }

    internal static PreparedFrame Render(Action<Utf8JsonWriter> body)
    {
        var buffer = _buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return PreparedFrame.Text(buffer.WrittenSpan);
    }
}
