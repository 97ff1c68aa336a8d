using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>hub.static: the files <see cref="RequestHandler.StaticUrl"/> versions and the URL prefix they are served under.</summary>
public sealed record StaticSettings(string Path, string UrlPrefix)
{
    /// <summary><see cref="Path"/> made absolute (relative: from the application's base directory); empty when unset.</summary>
    public string FullPath => Path.Length == 0 ? "" : ContentPath.Resolve(Path);

    /// <summary>hub.static.chunk-size: StaticFileHandler reads and sends files in pieces of this many bytes.</summary>
    public int ChunkSize { get; init; }

    internal static StaticSettings FromConfig(Config c, string path)
    {
        var prefix = ConfigReader.String(c, path, "url-prefix");
        if (!prefix.StartsWith('/') || !prefix.EndsWith('/'))
            throw new ConfigurationException($"{path}.url-prefix must start and end with '/', was '{prefix}'");
        return new StaticSettings(ConfigReader.String(c, path, "path", allowEmpty: true), prefix)
        {
            ChunkSize = ConfigReader.Bytes(c, path, "chunk-size", 1),
        };
    }
}
