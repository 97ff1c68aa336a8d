namespace Hub.Handlers.StaticFiles;

/// <summary>
/// Maps a requested path (the route's percent-decoded capture) to a file under a root directory, refusing anything
/// that could name a file outside it: "..", absolute paths, backslashes, NUL, characters the platform forbids in file
/// names, and symbolic links whose target leaves the root. Lexical checks come first; then the path is resolved the
/// way the kernel would (every link followed, "realpath") and must still start with the root plus a separator.
/// </summary>
internal static class StaticPath
{
    // Linux's limit on links followed in one lookup (ELOOP), so a link cycle ends.
    private const int MaxLinks = 40;

    private static readonly char[] InvalidNameChars = Path.GetInvalidFileNameChars();

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The root as an absolute path with every link resolved and no trailing separator.</summary>
    public static string RealRoot(string root)
    {
        if (!Path.IsPathFullyQualified(root)) throw new ArgumentException($"static root '{root}' must be an absolute path", nameof(root));
        var full = Path.GetFullPath(root);
        var real = Resolve(Path.GetPathRoot(full)!, Segments(full[Path.GetPathRoot(full)!.Length..]));
        return TrimSeparator(real);
    }

    /// <summary>
    /// The absolute path of <paramref name="requested"/> under <paramref name="realRoot"/> (from
    /// <see cref="RealRoot"/>), or false when the request tries to leave the root (or runs into a link cycle). The
    /// file need not exist.
    /// </summary>
    public static bool TryResolve(string realRoot, string requested, out string fullPath)
    {
        fullPath = "";
        if (!TryNormalize(requested, out var segments)) return false;
        var lexical = segments.Count == 0 ? realRoot : Path.Join(realRoot, string.Join(Path.DirectorySeparatorChar, segments));
        lexical = Path.GetFullPath(lexical);
        if (!IsUnder(realRoot, lexical)) return false;
        string real;
        try { real = Resolve(realRoot, segments); }
        catch (IOException) { return false; } // a link cycle names no file at all
        if (!IsUnder(realRoot, real)) return false;
        fullPath = real;
        return true;
    }

    /// <summary>The path's segments without "." and empty ones; false for anything that could escape or confuse.</summary>
    internal static bool TryNormalize(string requested, out List<string> segments)
    {
        segments = new List<string>();
        // Backslash is a separator on Windows and a trap everywhere else; NUL truncates paths in native code.
        if (requested.Contains('\\') || requested.Contains('\0')) return false;
        // "/etc/passwd" (from "/static//etc/passwd") or "C:/x" would make Path.Join discard the root.
        if (requested.StartsWith('/') || Path.IsPathRooted(requested)) return false;
        foreach (var segment in requested.Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..") return false;
            if (segment.IndexOfAny(InvalidNameChars) >= 0) return false;
            segments.Add(segment);
        }
        return true;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (root + separator + …).</summary>
    internal static bool IsUnder(string root, string path)
    {
        if (string.Equals(path, root, PathComparison)) return true;
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, PathComparison);
    }

    /// <summary>
    /// Walks <paramref name="segments"/> from the link-free directory <paramref name="start"/>, replacing each
    /// symbolic link by its target (one level at a time, so links inside link targets are followed too) — the result
    /// names the same file as the kernel's lookup would. Missing components are kept as they are.
    /// </summary>
    private static string Resolve(string start, IEnumerable<string> segments)
    {
        var current = start;
        var pending = new Stack<string>(segments.Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".") continue;
            if (part == "..")
            {
                // current has no links in it, so its lexical parent is its real parent.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) throw new IOException($"too many levels of symbolic links at '{next}'");
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
                target = target[current.Length..];
            }
            foreach (var s in Segments(target).Reverse()) pending.Push(s);
        }
        return current;
    }

    private static string[] Segments(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static string TrimSeparator(string path) =>
        path.Length > 1 && path.EndsWith(Path.DirectorySeparatorChar) && Path.GetPathRoot(path) != path ? path[..^1] : path;
}
