using CsCheck;
using Hub.Handlers.StaticFiles;

namespace Hub.Core.Tests.Handlers.StaticFiles;

/// <summary>
/// A real directory tree: root/{a.txt, sub/b.txt, inner-link → sub/b.txt, out-file → ../secret.txt,
/// out-dir → ../outside, chain → hop/secret.txt with hop → ../outside, loop-1 ↔ loop-2}, next to a secret outside it.
/// </summary>
public sealed class StaticPathTests : IDisposable
{
    private readonly string _base;
    private readonly string _root;

    public StaticPathTests()
    {
        _base = Path.Combine(Path.GetTempPath(), "hub-staticpath-" + Guid.NewGuid().ToString("N"));
        _root = Path.Combine(_base, "root");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        Directory.CreateDirectory(Path.Combine(_base, "outside"));
        File.WriteAllText(Path.Combine(_root, "a.txt"), "a");
        File.WriteAllText(Path.Combine(_root, "sub", "b.txt"), "b");
        File.WriteAllText(Path.Combine(_base, "secret.txt"), "secret");
        File.WriteAllText(Path.Combine(_base, "outside", "secret.txt"), "secret");
        File.CreateSymbolicLink(Path.Combine(_root, "inner-link"), "sub/b.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "out-file"), "../secret.txt");
        Directory.CreateSymbolicLink(Path.Combine(_root, "out-dir"), Path.Combine(_base, "outside"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "hop"), "../outside");
        File.CreateSymbolicLink(Path.Combine(_root, "chain"), "hop/secret.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "loop-1"), "loop-2");
        File.CreateSymbolicLink(Path.Combine(_root, "loop-2"), "loop-1");
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private string Root => StaticPath.RealRoot(_root);

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("sub/b.txt", "sub/b.txt")]
    [InlineData("./sub//b.txt", "sub/b.txt")]
    [InlineData("sub/", "sub")]
    [InlineData("missing.txt", "missing.txt")]
    public void Resolves_paths_inside_the_root(string requested, string expected)
    {
        Assert.True(StaticPath.TryResolve(Root, requested, out var full));
        Assert.Equal(Path.Combine(Root, expected.Replace('/', Path.DirectorySeparatorChar)), full);
    }

    [Fact]
    public void The_empty_path_is_the_root_itself()
    {
        Assert.True(StaticPath.TryResolve(Root, "", out var full));
        Assert.Equal(Root, full);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../secret.txt")]
    [InlineData("sub/../../secret.txt")]
    [InlineData("sub/../a.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("//etc/passwd")]
    [InlineData("..\\secret.txt")]
    [InlineData("sub\\b.txt")]
    [InlineData("a.txt\0.png")]
    public void Refuses_paths_that_could_leave_the_root(string requested)
    {
        Assert.False(StaticPath.TryResolve(Root, requested, out _));
    }

    [Theory]
    [InlineData("out-file")]
    [InlineData("out-dir")]
    [InlineData("out-dir/secret.txt")]
    [InlineData("chain")]
    [InlineData("hop/secret.txt")]
    public void Refuses_links_whose_target_is_outside_the_root(string requested)
    {
        Assert.False(StaticPath.TryResolve(Root, requested, out _));
    }

    [Fact]
    public void Follows_links_that_stay_inside_the_root()
    {
        Assert.True(StaticPath.TryResolve(Root, "inner-link", out var full));
        Assert.Equal(Path.Combine(Root, "sub", "b.txt"), full);
    }

    [Fact]
    public void A_link_cycle_is_refused_rather_than_followed_forever()
    {
        Assert.False(StaticPath.TryResolve(Root, "loop-1", out _));
    }

    [Fact]
    public void A_root_reached_through_a_link_is_resolved_to_its_target()
    {
        var linkedRoot = Path.Combine(_base, "root-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);
        var real = StaticPath.RealRoot(linkedRoot);
        Assert.Equal(StaticPath.RealRoot(_root), real);
        Assert.True(StaticPath.TryResolve(real, "a.txt", out var full));
        Assert.Equal("a", File.ReadAllText(full));
    }

    [Fact]
    public void A_relative_root_is_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => StaticPath.RealRoot("static"));
    }

    [Fact]
    public void A_sibling_directory_sharing_the_root_as_a_prefix_is_not_inside_it()
    {
        Assert.False(StaticPath.IsUnder("/srv/static", "/srv/static-private/key"));
        Assert.True(StaticPath.IsUnder("/srv/static", "/srv/static/key"));
        Assert.True(StaticPath.IsUnder("/", "/anything"));
    }

    [Fact]
    public void Whatever_is_requested_a_resolved_path_lies_inside_the_root()
    {
        var root = Root;
        var segment = Gen.OneOfConst("..", ".", "", "a.txt", "sub", "b.txt", "out-dir", "hop", "inner-link", "secret.txt",
            "..\\", "\0", "%2e%2e", "/", "~", "C:");
        Gen.Select(segment.Array[0, 6], Gen.Bool).Sample((segments, leadingSlash) =>
        {
            var requested = (leadingSlash ? "/" : "") + string.Join('/', segments);
            if (StaticPath.TryResolve(root, requested, out var full))
                Assert.True(StaticPath.IsUnder(root, full), $"'{requested}' resolved to '{full}'");
        }, iter: 2000);
    }
}
