using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;

namespace Hub.Integration.Tests.Packaging;

/// <summary>
/// Packs Hub.Core, Hub.Hosting and Hub.Testing with <c>dotnet pack --no-build</c> into a temporary directory, from the build of the
/// same configuration as this test assembly (a project reference built them), and checks what a consumer gets: the
/// DLL, its XML docs, the README shown on nuget.org, and the metadata. Running pack here rather than inspecting
/// .ci/run's artifacts keeps the check working in a plain Debug <c>dotnet test</c> as well as in CI.
/// </summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Hub_Core_package_holds_the_dll_its_xml_docs_and_the_readme()
    {
        using var package = await PackAsync("Hub.Core");

        var entries = package.Archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/Hub.Core.dll", entries);
        Assert.Contains("lib/net10.0/Hub.Core.xml", entries);
        Assert.Contains("PACKAGE.md", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));

        var metadata = package.Metadata();
        Assert.Equal("Hub.Core", metadata.Value("id"));
        Assert.Equal("0.1.0", metadata.Value("version"));
        Assert.Equal("MIT", metadata.Value("license"));
        Assert.Equal("PACKAGE.md", metadata.Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Value("description")));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Value("authors")));
        Assert.Contains("websocket", metadata.Value("tags"));
        // SourceLink-free: no repository element pointing at a commit.
        Assert.Null(metadata.Child("repository"));
        Assert.Contains("Akka.Cluster.Sharding", metadata.DependencyIds());
    }

    [Fact]
    public async Task Hub_Hosting_package_depends_on_the_Hub_Core_package_of_the_same_version()
    {
        using var package = await PackAsync("Hub.Hosting");

        var entries = package.Archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/Hub.Hosting.dll", entries);
        Assert.Contains("lib/net10.0/Hub.Hosting.xml", entries);
        Assert.Contains("PACKAGE.md", entries);

        var metadata = package.Metadata();
        Assert.Equal("Hub.Hosting", metadata.Value("id"));
        Assert.Equal("MIT", metadata.Value("license"));
        var core = metadata.Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Hub.Core");
        Assert.Equal("0.1.0", (string?)core.Attribute("version"));
        Assert.Contains("Akka.Hosting", metadata.DependencyIds());
    }

    [Fact]
    public async Task Hub_Testing_package_depends_on_Hub_Core_and_on_no_test_framework()
    {
        using var package = await PackAsync("Hub.Testing");

        var entries = package.Archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/Hub.Testing.dll", entries);
        Assert.Contains("lib/net10.0/Hub.Testing.xml", entries);
        Assert.Contains("PACKAGE.md", entries);

        var metadata = package.Metadata();
        Assert.Equal("Hub.Testing", metadata.Value("id"));
        Assert.Equal("MIT", metadata.Value("license"));
        Assert.Equal("PACKAGE.md", metadata.Value("readme"));
        var core = metadata.Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Hub.Core");
        Assert.Equal("0.1.0", (string?)core.Attribute("version"));
        Assert.DoesNotContain(metadata.DependencyIds(), id => id.StartsWith("xunit", StringComparison.OrdinalIgnoreCase)
            || id.StartsWith("NUnit", StringComparison.OrdinalIgnoreCase) || id.StartsWith("MSTest", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<PackedPackage> PackAsync(string project)
    {
        var output = Directory.CreateTempSubdirectory("hub-pack-");
        try
        {
            var configuration = typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
            var projectFile = Path.Combine(RepositoryRoot(), "src", project, project + ".csproj");
            var start = new ProcessStartInfo(DotnetExecutable())
            {
                ArgumentList = { "pack", projectFile, "-c", configuration, "--no-build", "-o", output.FullName, "-nologo" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"dotnet pack {project} did not finish within 3 minutes");
            }
            Assert.True(process.ExitCode == 0, $"dotnet pack {project} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");

            var nupkg = Path.Combine(output.FullName, $"{project}.0.1.0.nupkg");
            Assert.True(File.Exists(nupkg), $"no {nupkg}; pack wrote: " + string.Join(", ", output.GetFiles().Select(f => f.Name)));
            return new PackedPackage(output, ZipFile.OpenRead(nupkg), project);
        }
        catch
        {
            output.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>The dotnet that runs this test (the SDK sets DOTNET_HOST_PATH for its child processes).</summary>
    private static string DotnetExecutable() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Hub.sln above " + AppContext.BaseDirectory);
    }

    private sealed class PackedPackage(DirectoryInfo directory, ZipArchive archive, string id) : IDisposable
    {
        public ZipArchive Archive => archive;

        /// <summary>The nuspec's &lt;metadata&gt; element.</summary>
        public XElement Metadata()
        {
            using var stream = archive.GetEntry(id + ".nuspec")!.Open();
            return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        }

        public void Dispose()
        {
            archive.Dispose();
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>Namespace-agnostic reads of a nuspec's metadata (the nuspec schema namespace varies by NuGet version).</summary>
internal static class NuspecMetadata
{
    public static string? Value(this XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    public static XElement? Child(this XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

    public static IReadOnlyList<string> DependencyIds(this XElement metadata) =>
        metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToArray();
}
