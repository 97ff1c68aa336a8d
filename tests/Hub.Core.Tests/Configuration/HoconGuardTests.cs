using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Core.Tests.Configuration;

/// <summary>
/// HOCON that Akka's parser, resolver or merge cannot handle — unbounded recursion (a stack overflow ends the process),
/// an endless loop, a NullReferenceException; found by fuzz/ hocon, inputs in fuzz/findings/hocon — is refused by
/// <see cref="HubSettings.ParseConfig"/> with a <see cref="ConfigurationException"/>, and ordinary HOCON still works.
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

    [Theory]
    [InlineData("hub.http.trusted-proxies = [::1]")]
    [InlineData("a = [b = 1]")]
    [InlineData("a = [1, {b = [c : 2]}]")]
    [InlineData("a = [@{ b = 1 }]")]
    [InlineData("a = [\\x]")]
    [InlineData("a = [<b>]")]
    public async Task Refuses_characters_forbidden_in_unquoted_text_inside_an_array_instead_of_parsing_forever(string text)
    {
        // Akka's parser never returns on these: the guard must refuse them before it runs.
        var refused = Task.Run(() => Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(text)));
        var e = await refused.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("inside an array outside quotes", e.Message);
    }

    [Theory]
    [InlineData("a = [1 }", "'}' closing a '['")]
    [InlineData("a = [ ${b<\"x\" ]", "not a path closed on its line")]
    [InlineData("a = ${b\nc = 1", "not a path closed on its line")]
    [InlineData("a = [\"b\n\"c]", "not closed on its line")]
    [InlineData("x = \"b\n = \"[c = 1]", "inside an array")]
    [InlineData("a = [b, [c #", "never closed")]
    public async Task Refuses_a_mismatched_bracket_or_a_broken_substitution_instead_of_parsing_forever(string text, string message)
    {
        var refused = Task.Run(() => Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(text)));
        var e = await refused.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Accepts_quoted_addresses_and_objects_in_arrays()
    {
        var config = HubSettings.ParseConfig("hub.http.trusted-proxies = [\"::1\", \"10.0.0.1\"]\na = [{ b = 1 }, \"c:d\"]");
        Assert.Equal(2, HubSettings.FromConfig(config).Http.TrustedProxies.Count);
    }

    [Theory]
    [InlineData("hub = 5", "hub must be a block")]
    [InlineData("hub.http = \"x\"", "hub.http must be a block")]
    public void Refuses_a_value_where_the_reference_has_a_block(string text, string message)
    {
        // Akka's WithFallback threw a NullReferenceException on these.
        var e = Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(text));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("a = [b\u0012c]", "U+0012 on line 1")]
    [InlineData("base = 8000\nhub.server.port = ${base\"\"}a\u0000d\u007F", "U+0000 on line 2")]
    [InlineData("\u000Chub = \"\"\"\"\"1\u001F\"\"\"", "U+000C on line 1")]
    [InlineData("a = \"x\u0085\"", "U+0085 on line 1")]
    public async Task Refuses_control_characters_other_than_tab_and_line_ends(string text, string where)
    {
        // The last inputs the fuzzer left hanging Akka's parser (fuzz/findings/hocon/control-*) all hold some.
        var refused = Task.Run(() => Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(text)));
        var e = await refused.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("control character " + where, e.Message);
        Assert.Equal(3, HubSettings.ParseConfig("a = 1\nb {\n\tc = 3\r\n}\n").GetInt("b.c"));
    }

    [Fact]
    public async Task Refuses_text_that_was_not_valid_utf8()
    {
        // Undecodable bytes next to runs of quotes hung Akka's parser (fuzz/findings/hocon/undecodable-*).
        byte[] bytes = [.. "a = \"\"\"\"x"u8, 0x8B, .. "\"\"\"\"[b"u8];
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        var refused = Task.Run(() => Assert.Throws<ConfigurationException>(() => HubSettings.ParseConfig(text)));
        Assert.Contains("not valid UTF-8", (await refused.WaitAsync(TimeSpan.FromSeconds(30))).Message);
    }
}
