using System.Security.Cryptography;

namespace Hub.PubSub;

/// <summary>Presence ids for connections: a random per-process prefix and a counter, unique across a cluster
/// without coordination (e.g. <c>k3f9q-17</c>).</summary>
internal static class MemberIds
{
    private static readonly string Prefix = RoomHistory.NewEpoch()[..5];
    private static long _next;

    public static string Next() => string.Concat(Prefix, "-", Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
