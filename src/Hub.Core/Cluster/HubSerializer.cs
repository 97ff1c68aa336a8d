using System.Text;
using Akka.Actor;
using System.Runtime.Serialization;
using Akka.Serialization;

namespace Hub.Cluster;

/// <summary>
/// Binary serializer for every Hub message that crosses nodes, with explicit string manifests so a type can be
/// renamed without breaking the wire format. Registered and bound in hocon/reference.conf (akka.actor.serializers.hub).
/// <para>RoomFrame ("RF") layout: flags byte (bit 0 = text, bit 1 = publisher id present), room, origin node,
/// [publisher id] as 7-bit-length-prefixed UTF-8 strings, then the payload bytes to the end.</para>
/// </summary>
internal sealed class HubSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka reserves 0–100 for itself; 4801 is Hub's.</summary>
    public const int SerializerIdentifier = 4801;

    public const string RoomFrameManifest = "RF";

    private const byte TextFlag = 1;
    private const byte PublisherFlag = 2;

    public override int Identifier => SerializerIdentifier;

    public override string Manifest(object o) => o switch
    {
        RoomFrame => RoomFrameManifest,
        _ => throw new ArgumentException($"{nameof(HubSerializer)} cannot serialize {o.GetType()}", nameof(o)),
    };

    public override byte[] ToBinary(object obj) => obj switch
    {
        RoomFrame f => RoomFrameToBinary(f),
        _ => throw new ArgumentException($"{nameof(HubSerializer)} cannot serialize {obj.GetType()}", nameof(obj)),
    };

    public override object FromBinary(byte[] bytes, string manifest) => manifest switch
    {
        RoomFrameManifest => RoomFrameFromBinary(bytes),
        _ => throw new SerializationException($"{nameof(HubSerializer)}: unknown manifest '{manifest}'"),
    };

    private static byte[] RoomFrameToBinary(RoomFrame f)
    {
        using var stream = new MemoryStream(f.Payload.Length + f.Room.Length + f.OriginNode.Length + 16);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            var flags = (byte)((f.IsText ? TextFlag : 0) | (f.OriginPublisherId is null ? 0 : PublisherFlag));
            w.Write(flags);
            w.Write(f.Room);
            w.Write(f.OriginNode);
            if (f.OriginPublisherId is not null) w.Write(f.OriginPublisherId);
            w.Write(f.Payload);
        }
        return stream.ToArray();
    }

    private static RoomFrame RoomFrameFromBinary(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var flags = r.ReadByte();
        var room = r.ReadString();
        var origin = r.ReadString();
        var publisher = (flags & PublisherFlag) != 0 ? r.ReadString() : null;
        var payload = bytes.AsSpan((int)stream.Position).ToArray();
        return new RoomFrame(room, (flags & TextFlag) != 0, payload, origin, publisher);
    }
}
