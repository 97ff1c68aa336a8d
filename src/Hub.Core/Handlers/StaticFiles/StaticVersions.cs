using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Hub.Handlers.StaticFiles;

/// <summary>
/// The <c>v=</c> of <see cref="RequestHandler.StaticUrl"/>: a short hash of a static file's content, computed once per
/// file and again only when its size or modification time changed (one stat per call, like Tornado's
/// get_version with its per-path cache, but without needing a restart to see a new file).
/// </summary>
internal static class StaticVersions
{
    private static readonly ConcurrentDictionary<string, Entry> Cache = new(StringComparer.Ordinal);

    // hub.static.path with its links resolved, once per process: the root of every StaticUrl lookup.
    private static readonly ConcurrentDictionary<string, string> Roots = new(StringComparer.Ordinal);

    /// <summary>The version of <paramref name="relative"/> under <paramref name="root"/>, or null when there is no
    /// such file (or the path leaves the root).</summary>
    public static string? For(string root, string relative)
    {
        if (!Directory.Exists(root)) return null;
        var real = Roots.GetOrAdd(root, StaticPath.RealRoot);
        return StaticPath.TryResolve(real, relative, out var full) ? For(full) : null;
    }

    /// <summary>The version of <paramref name="fullPath"/>, or null when there is no such file.</summary>
    public static string? For(string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (!info.Exists) return null;
        if (Cache.TryGetValue(fullPath, out var known) && known.Length == info.Length && known.LastWriteUtc == info.LastWriteTimeUtc)
            return known.Hash;
        string hash;
        using (var stream = info.OpenRead()) hash = Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
        Cache[fullPath] = new Entry(info.Length, info.LastWriteTimeUtc, hash);
        return hash;
    }

    private sealed record Entry(long Length, DateTime LastWriteUtc, string Hash);
}
