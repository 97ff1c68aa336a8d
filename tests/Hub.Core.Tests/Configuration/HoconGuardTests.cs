using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Core.Tests.Configuration;

/// <summary>
/// HOCON that would send Akka's parser or resolver into unbounded recursion (a stack overflow ends the process; found
/// by fuzz/ hocon, inputs in fuzz/findings/hocon) is refused by <see cref="HubSettings.ParseConfig"/> with a
/// <see cref="ConfigurationException"/>, and ordinary nesting and substitutions still work.
/// </summary>
public sealed class HoconGuardTests
{
    [Fact]
    public void Refuses_brackets_nested_past_the_limit()
    {
        var e = Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig("hub.http.trusted-proxies = " + new string('[', 20_000)));
        Assert.Contains("nested deeper than 64", e.Message);
        Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(string.Concat(Enumerable.Repeat("a { ", 65))));
    }

    [Fact]
    public void Accepts_nesting_up_to_the_limit_and_ignores_brackets_in_strings_and_comments()
    {
        var text = string.Concat(Enumerable.Repeat("a { ", 64)) + "b = 1 " + new string('}', 64) + "\n" +
                   "c = \"" + new string('[', 100) + "\"\n" +
                   "d = \"\"\"" + new string('{', 100) + "\"\"\"\n" +
                   "# " + new string('[', 100) + "\n" +
                   "// " + new string('{', 100) + "\n";
        var config = HubSettings.ParseConfig(text);
        Assert.Equal(new string('[', 100), config.GetString("c"));
        Assert.Equal(1, config.GetInt(string.Join('.', Enumerable.Repeat("a", 64)) + ".b"));
    }

    [Theory]
    [InlineData("hub.server.port = ${hub.server.port}\n")]
    [InlineData("hub.shutdown.drain-timeout = ${a}\na = ${b}\nb = ${hub.shutdown.drain-timeout}\n")]
    public void Refuses_a_substitution_that_refers_to_itself(string text)
    {
        var e = Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(text));
        Assert.Contains("refers to itself", e.Message);
    }

    [Fact]
    public void Refuses_a_substitution_chain_past_the_limit_and_follows_a_short_one()
    {
        static string Chain(int links) => "hub.server.port = ${k0}\n" +
            string.Concat(Enumerable.Range(0, links).Select(i => $"k{i} = ${{k{i + 1}}}\n")) + $"k{links} = 8080\n";
        Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(Chain(5_000)));
        Assert.Equal(8080, HubSettings.FromConfig(HubSettings.ParseConfig(Chain(10))).Server.Port);
    }
}
