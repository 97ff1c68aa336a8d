using Hub.Host;

namespace Hub.Integration.Tests.Host;

public sealed class HoconSyntaxTests
{
    [Theory]
    [InlineData("a = 1")]
    [InlineData("a { b = 1, c = [1, 2, {d = 3}] }")]
    [InlineData("{ a = 1 }")]
    [InlineData("a = \"} ] { [\"  # braces in strings and comments { [ do not count")]
    [InlineData("a = 1 // a comment with an unmatched {")]
    [InlineData("a = \"\"\"multi\nline { string\"\"\"\nb = 2")]
    [InlineData("a = \"escaped \\\" quote {\"")]
    [InlineData("a = []\nb = {}\nc = \"\"\nd = null")]
    [InlineData("a = 1\nb = ${a}")]
    [InlineData("")]
    public void Accepts_valid_hocon(string text)
    {
        HoconSyntax.Parse(text);
    }

    [Theory]
    [InlineData("a {\n b = 1\n", "'{' opened on line 1 is never closed")]
    [InlineData("a = 1\n}", "line 2: unexpected '}'")]
    [InlineData("a = [1, 2}", "line 1: '}' closes the '[' opened on line 1")]
    [InlineData("a = [1, 2", "'[' opened on line 1 is never closed")]
    [InlineData("a = \"open\nb = 2", "line 1: string is never closed")]
    [InlineData("a = \"\"\"never closed", "line 1: \"\"\" string is never closed")]
    [InlineData("a b c", "'a b c' has no value")]
    [InlineData("x {\n  y = \n}", "'x.y' has no value")]
    public void Refuses_what_akkas_parser_lets_through(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => HoconSyntax.Parse(text));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    // Each of these ended the host with a stack overflow in Akka's parser or resolver (fuzz/findings/hocon).
    [InlineData("hub.server.port = ${hub.server.port}", "refers to itself")]
    [InlineData("a = ${b}\nb = ${a}", "refers to itself")]
    public void Refuses_substitutions_that_refer_to_themselves(string text, string message)
    {
        var e = Assert.Throws<Akka.Configuration.ConfigurationException>(() => HoconSyntax.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Refuses_nesting_past_the_limit()
    {
        var text = "a = " + new string('[', 20_000) + new string(']', 20_000);
        var e = Assert.Throws<Akka.Configuration.ConfigurationException>(() => HoconSyntax.Parse(text));
        Assert.Contains("nested deeper than 64", e.Message);
    }
}
