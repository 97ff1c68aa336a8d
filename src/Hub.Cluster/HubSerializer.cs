using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Hub.PubSub;
using Hub.WebSockets;

namespace Hub.Cluster;

/// <summary>
/// Binary serializer for every room message that crosses nodes (<see cref="IRoomWireMessage"/>), with explicit string
/// manifests so a type can be renamed without breaking the wire format. Registered and bound in
/// hocon/cluster-reference.conf (akka.actor.serializers.hub). Strings are 7-bit-length-prefixed UTF-8, payloads length-prefixed raw bytes (framed
/// again once on the receiving node), actor refs their serialized paths, optional fields behind a presence byte.
/// </summary>
internal sealed class HubSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka reserves 0–100 for itself; 4801 is Hub's.</summary>
    public const int SerializerIdentifier = 4801;

    public override int Identifier => SerializerIdentifier;

    public override string Manifest(object o) => o switch
    {
        JoinRoom => "J",
        LeaveRoom => "L",
        PublishToRoom => "P",
        RoomPublished => "PA",
        GetPresence => "GP",
        PresenceList => "PL",
        JoinAccepted => "JA",
        RoomMessage => "M",
        PresenceChanged => "PC",
        HandOffRoom => "H",
        RoomSnapshot => "S",
        _ => throw new ArgumentException($"{nameof(HubSerializer)} cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(256);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case JoinRoom j:
                    w.Write(j.Room); w.Write(j.Member); WriteOptional(w, j.User); WriteRef(w, j.Node);
                    w.Write(j.Since.HasValue);
                    if (j.Since is { } since) WritePosition(w, since);
                    break;
                case LeaveRoom l:
                    w.Write(l.Room); w.Write(l.Member);
                    break;
                case PublishToRoom p:
                    w.Write(p.Room); WriteOptional(w, p.ExceptMember); WriteFrame(w, p.Frame); w.Write(p.Acknowledge);
                    break;
                case RoomPublished pa:
                    w.Write(pa.Room); w.Write(pa.Epoch); w.Write(pa.Offset);
                    break;
                case GetPresence g:
                    w.Write(g.Room);
                    break;
                case PresenceList pl:
                    w.Write(pl.Room); w.Write7BitEncodedInt(pl.Members.Count);
                    foreach (var m in pl.Members) WriteMember(w, m);
                    break;
                case JoinAccepted a:
                    w.Write(a.Room); w.Write(a.Member); WritePosition(w, a.Head); w.Write(a.Recovered); WriteOptional(w, a.Reason);
                    WriteMessages(w, a.Replay);
                    break;
                case RoomMessage m:
                    WriteMessage(w, m);
                    break;
                case PresenceChanged c:
                    w.Write(c.Event.Room); w.Write(c.Event.Joined); WriteMember(w, c.Event.Member);
                    break;
                case HandOffRoom:
                    break;
                case RoomSnapshot s:
                    w.Write(s.Room); w.Write(s.Epoch); w.Write(s.Head); WriteMessages(w, s.History);
                    w.Write7BitEncodedInt(s.Members.Count);
                    foreach (var e in s.Members)
                    {
                        WriteMember(w, e.Info);
                        WriteRef(w, e.Node);
                    }
                    w.Write7BitEncodedInt(s.Part);
                    w.Write7BitEncodedInt(s.Parts);
                    break;
                default:
                    throw new ArgumentException($"{nameof(HubSerializer)} cannot serialize {obj.GetType()}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        return manifest switch
        {
            "J" => new JoinRoom(r.ReadString(), r.ReadString(), ReadOptional(r), ReadRef(r), r.ReadBoolean() ? ReadPosition(r) : null),
            "L" => new LeaveRoom(r.ReadString(), r.ReadString()),
            "P" => ReadPublish(r.ReadString(), ReadOptional(r), ReadFrame(r), r.ReadBoolean()),
            "PA" => new RoomPublished(r.ReadString(), r.ReadString(), r.ReadInt64()),
            "GP" => new GetPresence(r.ReadString()),
            "PL" => new PresenceList(r.ReadString(), ReadList(r, ReadMember)),
            "JA" => new JoinAccepted(r.ReadString(), r.ReadString(), ReadPosition(r), r.ReadBoolean(), ReadOptional(r), ReadMessages(r)),
            "M" => ReadMessage(r),
            "PC" => new PresenceChanged(new PresenceEvent(r.ReadString(), r.ReadBoolean(), ReadMember(r))),
            "H" => HandOffRoom.Instance,
            "S" => new RoomSnapshot(r.ReadString(), r.ReadString(), r.ReadInt64(), ReadMessages(r),
                ReadList(r, x => new RoomMemberEntry(ReadMember(x), ReadRef(x))), r.Read7BitEncodedInt(), r.Read7BitEncodedInt()),
            _ => throw new SerializationException($"{nameof(HubSerializer)}: unknown manifest '{manifest}'"),
        };
    }

    // PublishToRoom's constructor takes (room, frame, except, acknowledge); the wire order is room, except, frame, acknowledge.
    private static PublishToRoom ReadPublish(string room, string? except, PreparedFrame frame, bool acknowledge) =>
        new(room, frame, except, acknowledge);

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WritePosition(BinaryWriter w, RoomPosition p)
    {
        w.Write(p.Epoch);
        w.Write(p.Offset);
    }

    private static RoomPosition ReadPosition(BinaryReader r) => new(r.ReadString(), r.ReadInt64());

    private static void WriteFrame(BinaryWriter w, PreparedFrame frame)
    {
        w.Write(frame.IsText);
        var payload = frame.PayloadToArray();
        w.Write7BitEncodedInt(payload.Length);
        w.Write(payload);
    }

    private static PreparedFrame ReadFrame(BinaryReader r)
    {
        var isText = r.ReadBoolean();
        var payload = r.ReadBytes(r.Read7BitEncodedInt());
        // Framed once here, on the receiving node, and shared by every local recipient.
        return isText ? PreparedFrame.Text(payload) : PreparedFrame.Binary(payload);
    }

    private static void WriteMessage(BinaryWriter w, RoomMessage m)
    {
        w.Write(m.Room); w.Write(m.Epoch); w.Write(m.Offset); WriteOptional(w, m.ExceptMember); w.Write(m.PublishedAt);
        WriteFrame(w, m.Frame);
    }

    private static RoomMessage ReadMessage(BinaryReader r)
    {
        var room = r.ReadString();
        var epoch = r.ReadString();
        var offset = r.ReadInt64();
        var except = ReadOptional(r);
        var publishedAt = r.ReadInt64();
        return new RoomMessage(room, epoch, offset, ReadFrame(r), except, publishedAt);
    }

    private static void WriteMessages(BinaryWriter w, IReadOnlyList<RoomMessage> messages)
    {
        w.Write7BitEncodedInt(messages.Count);
        foreach (var m in messages) WriteMessage(w, m);
    }

    private static RoomMessage[] ReadMessages(BinaryReader r) => ReadList(r, ReadMessage);

    private static void WriteMember(BinaryWriter w, PresenceMember m)
    {
        w.Write(m.Member); WriteOptional(w, m.User); w.Write(m.Node);
    }

    private static PresenceMember ReadMember(BinaryReader r) => new(r.ReadString(), ReadOptional(r), r.ReadString());

    private static T[] ReadList<T>(BinaryReader r, Func<BinaryReader, T> read)
    {
        var items = new T[r.Read7BitEncodedInt()];
        for (var i = 0; i < items.Length; i++) items[i] = read(r);
        return items;
    }

    private static void WriteRef(BinaryWriter w, IActorRef actor) => w.Write(Serialization.SerializedActorPath(actor));

    private IActorRef ReadRef(BinaryReader r) => system.Provider.ResolveActorRef(r.ReadString());
}
