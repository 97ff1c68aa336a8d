using System.Text.RegularExpressions;

namespace Hub.Testing.Tests;

/// <summary>docs/testing.md, tested: its C# blocks are the code of DocsExamples.cs, whose tests run with this project.</summary>
public sealed partial class DocsTests
{
    [Fact]
    public void Every_csharp_block_of_testing_md_is_in_the_compiled_examples()
    {
        var root = RepositoryRoot();
        var page = File.ReadAllText(Path.Combine(root, "docs", "testing.md"));
        var code = Normalize(File.ReadAllText(Path.Combine(root, "tests", "Hub.Testing.Tests", "DocsExamples.cs")));

        var blocks = CSharpBlock().Matches(page).Select(m => m.Groups[1].Value).ToArray();

        Assert.True(blocks.Length >= 3, $"expected the page's csharp blocks, found {blocks.Length}");
        foreach (var block in blocks)
            Assert.True(code.Contains(Normalize(block), StringComparison.Ordinal),
                "this block of docs/testing.md is not in DocsExamples.cs:\n" + block);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Lines trimmed, blank lines dropped: a block matches the file however it is indented.</summary>
    private static string Normalize(string code) =>
        string.Join('\n', code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
