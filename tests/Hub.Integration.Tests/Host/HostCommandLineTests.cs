using Hub.Host;

namespace Hub.Integration.Tests.Host;

public sealed class HostCommandLineTests
{
    private static HostOptions Read(params string[] args)
    {
        var cli = new HostCommandLine();
        var parse = cli.Root.Parse(args);
        Assert.Empty(parse.Errors);
        return cli.Read(parse);
    }

    private static string FirstError(params string[] args)
    {
        var parse = new HostCommandLine().Root.Parse(args);
        Assert.NotEmpty(parse.Errors);
        return parse.Errors[0].Message;
    }

    [Fact]
    public void Flags_not_typed_are_left_to_the_configuration()
    {
        var o = Read();
        Assert.Null(o.Port);
        Assert.Null(o.Bind);
        Assert.Null(o.ConfigFile);
        Assert.Empty(o.Overrides);
        Assert.Null(o.ProxyUpstream);
        Assert.Null(o.MaxBodySize);
        Assert.Null(o.MaxHeaderSize);
        Assert.Null(o.IdleTimeout);
    }

    [Fact]
    public void Reads_every_flag()
    {
        var o = Read("--port", "0", "--bind", "::1", "--config", "x.conf", "--set", "a=1", "--set", "b=2",
            "--proxy-upstream", "http://127.0.0.1:9000/x", "--max-body-size", "100", "--max-header-size", "4096",
            "--idle-timeout", "2.5");
        Assert.Equal(0, o.Port);
        Assert.Equal("::1", o.Bind);
        Assert.Equal("x.conf", o.ConfigFile);
        Assert.Equal(["a=1", "b=2"], o.Overrides);
        Assert.Equal(new Uri("http://127.0.0.1:9000/x"), o.ProxyUpstream);
        Assert.Equal(100, o.MaxBodySize);
        Assert.Equal(4096, o.MaxHeaderSize);
        Assert.Equal(TimeSpan.FromSeconds(2.5), o.IdleTimeout);
    }

    [Fact]
    public void A_flag_typed_with_its_default_value_still_counts_as_typed()
    {
        Assert.Equal(8888, Read("--port", "8888").Port);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port", "abc")]
    [InlineData("--port", "-1")]
    [InlineData("--port", "65536")]
    [InlineData("--port")]
    [InlineData("--max-body-size", "-5")]
    [InlineData("--max-body-size", "1k")]
    [InlineData("--max-header-size", "0")]
    [InlineData("--idle-timeout", "0")]
    [InlineData("--idle-timeout", "-2")]
    [InlineData("--idle-timeout", "NaN")]
    [InlineData("--proxy-upstream", "not a url")]
    [InlineData("--proxy-upstream", "ftp://example.com/")]
    [InlineData("--set", "no-equals-sign")]
    [InlineData("--set", "=value")]
    [InlineData("extra-argument")]
    public void Bad_command_lines_are_parse_errors(params string[] args)
    {
        Assert.False(string.IsNullOrWhiteSpace(FirstError(args)));
    }

    [Fact]
    public void Errors_name_the_flag()
    {
        Assert.Contains("--port", FirstError("--port", "abc"));
        Assert.Contains("--idle-timeout", FirstError("--idle-timeout", "0"));
        Assert.Contains("--bogus", FirstError("--bogus"));
    }
}
