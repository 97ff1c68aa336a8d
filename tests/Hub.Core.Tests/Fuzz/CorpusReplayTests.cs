using Hub.Fuzz;

namespace Hub.Core.Tests.Fuzz;

/// <summary>
/// Every seed in fuzz/corpus/TARGET and every fixed finding in fuzz/findings/TARGET through the same target code
/// AFL++ runs (fuzz/Hub.Fuzz.Targets), as ordinary tests: no fuzzing in CI, but no input that was once a crash, and
/// no seed, can break again unnoticed.
/// </summary>
public sealed class CorpusReplayTests
{
    private static readonly string FuzzDir = Path.Combine(FindRoot(), "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in new[] { "corpus", "findings" })
        foreach (var target in FuzzTargets.All.Keys)
        {
            var dir = Path.Combine(FuzzDir, folder, target);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
                data.Add(target, Path.GetRelativePath(FuzzDir, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_passes_its_target(string target, string file)
    {
        // A target throws (an unexpected exception or a broken invariant) on failure.
        FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(FuzzDir, file)));
    }

    [Fact]
    public void Every_target_has_a_seed_corpus()
    {
        foreach (var target in FuzzTargets.All.Keys)
            Assert.True(Directory.EnumerateFiles(Path.Combine(FuzzDir, "corpus", target)).Count() >= 5, $"fuzz/corpus/{target} has fewer than 5 seeds");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Hub.sln above {AppContext.BaseDirectory}");
    }
}
