namespace Hub.Server;

/// <summary>
/// Connection ids for logs, metrics and actor names: a per-process random prefix plus a counter, so ids from
/// different nodes or restarts do not collide in aggregated logs.
/// </summary>
internal static class ConnectionIds
{
    private static readonly string Prefix = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next())[..3]);
    private static long _next;

    public static string Next() => $"{Prefix}-{Interlocked.Increment(ref _next):x}";
}
