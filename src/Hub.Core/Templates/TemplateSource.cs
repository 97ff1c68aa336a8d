namespace Hub.Templates;

/// <summary>A template file's text and the file's state when it was read (to notice a change with hub.templates.watch).</summary>
internal sealed record TemplateSource(string Name, string FullPath, string Text, DateTime LastWriteUtc, long Length)
{
    public static TemplateSource Read(string name, string fullPath)
    {
        var info = new FileInfo(fullPath);
        if (!info.Exists) throw new FileNotFoundException($"no template '{name}' in {Path.GetDirectoryName(fullPath)}", fullPath);
        return new TemplateSource(name, fullPath, File.ReadAllText(fullPath), info.LastWriteTimeUtc, info.Length);
    }

    /// <summary>The file on disk is no longer what was read.</summary>
    public bool IsStale()
    {
        var info = new FileInfo(FullPath);
        return !info.Exists || info.LastWriteTimeUtc != LastWriteUtc || info.Length != Length;
    }

    /// <summary>
    /// The first line where <paramref name="identifier"/> appears as a word inside a Liquid tag or output: Fluid does
    /// not report where an undefined variable was used, so this points at the likely place.
    /// </summary>
    public int? LineOf(string identifier)
    {
        var lines = Text.Split('\n');
        var word = new System.Text.RegularExpressions.Regex(
            @"(\{\{|\{%)[^}]*\b" + System.Text.RegularExpressions.Regex.Escape(identifier) + @"\b");
        for (var i = 0; i < lines.Length; i++)
            if (word.IsMatch(lines[i])) return i + 1;
        return null;
    }
}
