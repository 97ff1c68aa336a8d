using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>hub.templates: where <see cref="RequestHandler.Render"/> finds its templates and how it caches them.</summary>
public sealed record TemplateSettings(string Path, bool Watch, bool StrictVariables)
{
    /// <summary><see cref="Path"/> made absolute: a relative path is taken from the application's base directory.</summary>
    public string FullPath => ContentPath.Resolve(Path);

    internal static TemplateSettings FromConfig(Config c, string path) => new(
        Path: ConfigReader.String(c, path, "path"),
        Watch: ConfigReader.Bool(c, path, "watch"),
        StrictVariables: ConfigReader.Bool(c, path, "strict-variables"));
}
