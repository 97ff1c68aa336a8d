using System.IO.Compression;
using System.Xml.Linq;

namespace Hub.Integration.Tests.Packaging;

/// <summary>
/// Packs Hub.Core, Hub.Cluster, Hub.Hosting and Hub.Testing with <c>dotnet pack --no-build</c> into a temporary directory, from the build of the
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
        // What a single node needs and nothing more (Fluid.Core renders templates); the cluster backend is the
        // Hub.Cluster package.
        Assert.Equal(["Akka", "Akka.Streams", "Fluid.Core"], metadata.DependencyIds().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Hub_Cluster_package_carries_the_cluster_backend_and_depends_on_Hub_Core()
    {
        using var package = await PackAsync("Hub.Cluster");

        var entries = package.Archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("lib/net10.0/Hub.Cluster.dll", entries);
        Assert.Contains("lib/net10.0/Hub.Cluster.xml", entries);
        Assert.Contains("PACKAGE.md", entries);
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));

        var metadata = package.Metadata();
        Assert.Equal("Hub.Cluster", metadata.Value("id"));
        Assert.Equal("0.1.0", metadata.Value("version"));
        Assert.Equal("MIT", metadata.Value("license"));
        Assert.Equal("PACKAGE.md", metadata.Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Value("description")));
        Assert.Null(metadata.Child("repository"));
        var core = metadata.Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Hub.Core");
        Assert.Equal("0.1.0", (string?)core.Attribute("version"));
        Assert.Contains("Akka.Cluster.Sharding", metadata.DependencyIds());
        // Named directly so a consumer's restore does not warn NU1603 (Directory.Packages.props).
        Assert.Contains("LightningDB", metadata.DependencyIds());
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
            var nupkg = await DotnetCli.PackAsync(project, output);
            return new PackedPackage(output, ZipFile.OpenRead(nupkg), project);
        }
        catch
        {
            output.Delete(recursive: true);
            throw;
        }
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
