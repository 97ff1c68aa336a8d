using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Hub.Configuration;

namespace Hub.Core.Tests.Configuration;

/// <summary>
/// docs/configuration.md is the reference page for hocon/reference.conf: it must list every hub.* key the library
/// reads, and every hub.* key it names must exist in reference.conf or (hub.host.*) in the host's hocon/hub.conf.
/// </summary>
public sealed partial class ConfigurationDocTests
{
    [Fact]
    public void Every_reference_conf_key_is_documented_in_configuration_md()
    {
        var documented = DocumentedKeys();

        var missing = Leaves(HubSettings.DefaultConfig().GetConfig("hub"), "hub")
            .Where(key => !documented.Contains(key))
            .ToArray();

        Assert.True(missing.Length == 0, "keys of hocon/reference.conf missing from docs/configuration.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_key_configuration_md_names_is_defined_by_a_configuration_file()
    {
        var reference = HubSettings.DefaultConfig();
        var host = ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(RepositoryRoot(), "hocon", "hub.conf")));

        var unknown = DocumentedKeys()
            .Where(key => !reference.HasPath(key) && !host.HasPath(key))
            .ToArray();

        Assert.True(unknown.Length == 0, "docs/configuration.md names keys no configuration file defines: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Configuration_md_documents_a_leaf_key_per_table_row()
    {
        // Guards the two tests above against a regex that silently matches nothing.
        Assert.Contains("hub.rooms.history.max-age", DocumentedKeys());
        Assert.Contains("hub.http.access-log", DocumentedKeys());
    }

    private static HashSet<string> DocumentedKeys()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        return KeyPattern().Matches(text).Select(m => m.Value.TrimEnd('.', '-')).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Leaves(Config config, string prefix)
    {
        foreach (var (name, value) in config.AsEnumerable())
        {
            var key = prefix + "." + name;
            if (value.IsObject())
                foreach (var leaf in Leaves(config.GetConfig(name), key)) yield return leaf;
            else yield return key;
        }
    }

    /// <summary>The checkout this test assembly was built from (bin/... lies below the directory holding Hub.sln).</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Hub.sln above " + AppContext.BaseDirectory);
    }

    // A key is "hub." plus at least two dotted segments, which leaves out file names such as hocon/hub.conf; the
    // two top-level leaves, hub.debug and hub.transport, are named explicitly.
    [GeneratedRegex(@"\bhub(\.[a-z0-9-]+){2,}|\bhub\.debug\b|\bhub\.transport\b")]
    private static partial Regex KeyPattern();
}
