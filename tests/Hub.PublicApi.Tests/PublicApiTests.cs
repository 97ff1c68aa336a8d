using System.Reflection;
using PublicApiGenerator;

namespace Hub.PublicApi.Tests;

/// <summary>
/// The public API of every package, as text, against a reviewed baseline (PublicApi/*.approved.txt). A new public
/// member — meant or accidental — fails this test until the baseline is updated, so growing the API is always a
/// visible, deliberate change in a diff. To accept a change: run with HUB_APPROVE_PUBLIC_API=1 (it rewrites the
/// baselines) and review the diff.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => new() { "Hub.Core", "Hub.Hosting", "Hub.Cluster", "Hub.Testing" };

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_api_is_the_approved_one(string package)
    {
        var assembly = Assembly.Load(package);
        var actual = Normalize(assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }));
        var approvedFile = Path.Combine(SourceFolder(), "PublicApi", package + ".approved.txt");
        if (Environment.GetEnvironmentVariable("HUB_APPROVE_PUBLIC_API") == "1")
        {
            File.WriteAllText(approvedFile, actual);
            return;
        }
        Assert.True(File.Exists(approvedFile), $"no baseline {approvedFile}: run once with HUB_APPROVE_PUBLIC_API=1 and review it");
        var approved = Normalize(File.ReadAllText(approvedFile));
        if (approved == actual) return;
        var approvedLines = approved.Split('\n').ToHashSet();
        var actualLines = actual.Split('\n').ToHashSet();
        var added = actualLines.Except(approvedLines).Take(20).Select(l => "+ " + l.Trim());
        var removed = approvedLines.Except(actualLines).Take(20).Select(l => "- " + l.Trim());
        Assert.Fail($"the public API of {package} changed (HUB_APPROVE_PUBLIC_API=1 accepts it; review the diff):\n" +
                    string.Join('\n', added.Concat(removed)));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Trim() + "\n";

    /// <summary>This test project's source folder (the baselines are checked in next to it), found from the build output.</summary>
    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
