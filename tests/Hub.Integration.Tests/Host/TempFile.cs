namespace Hub.Integration.Tests.Host;

/// <summary>A file in the temp directory, deleted on dispose.</summary>
public sealed class TempFile : IDisposable
{
    public TempFile(string contents, string extension = ".conf")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hub-test-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(Path, contents);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
