namespace Hub.Configuration;

/// <summary>Directories named in configuration: relative ones are taken from the application's base directory (where
/// its files are deployed, not the working directory the process happened to start in).</summary>
internal static class ContentPath
{
    public static string Resolve(string path) =>
        System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(AppContext.BaseDirectory, path));
}
