namespace Hub.Core.Tests.Handlers;

public sealed class SignedValueTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly TimeSpan Month = TimeSpan.FromDays(31);

    [Theory]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData("naïve | 2:x|; =")]
    public void Round_trips_any_text(string value)
    {
        var signed = SignedValue.Create(["k1"], "session", value, Now);
        Assert.Equal(value, SignedValue.Decode(["k1"], "session", signed, Month, Now));
    }

    [Fact]
    public void Is_a_valid_cookie_value()
    {
        var signed = SignedValue.Create(["k1"], "session", "a b;c,\"d\\", Now);
        Assert.All(signed, c => Assert.True(c is > ' ' and < '\x7f' and not (';' or ',' or '"' or '\\'), $"'{c}'"));
        Assert.StartsWith("2|1:0|10:1700000000|7:session|", signed);
    }

    [Fact]
    public void A_changed_value_or_signature_does_not_verify()
    {
        var signed = SignedValue.Create(["k1"], "session", "user=1", Now);
        var forgedValue = signed.Replace(Convert.ToBase64String("user=1"u8), Convert.ToBase64String("user=2"u8));
        Assert.NotEqual(signed, forgedValue);
        Assert.Null(SignedValue.Decode(["k1"], "session", forgedValue, Month, Now));
        var lastChar = signed[^1] == '0' ? '1' : '0';
        Assert.Null(SignedValue.Decode(["k1"], "session", signed[..^1] + lastChar, Month, Now));
        Assert.Null(SignedValue.Decode(["k1"], "session", signed + "0", Month, Now));
        Assert.Null(SignedValue.Decode(["k1"], "session", "garbage", Month, Now));
        Assert.Null(SignedValue.Decode(["k1"], "session", "", Month, Now));
    }

    [Fact]
    public void A_value_signed_for_one_cookie_is_not_valid_for_another()
    {
        var signed = SignedValue.Create(["k1"], "user", "admin", Now);
        Assert.Null(SignedValue.Decode(["k1"], "role", signed, Month, Now));
    }

    [Fact]
    public void Any_configured_secret_verifies_so_keys_rotate()
    {
        var byOld = SignedValue.Create(["old"], "s", "v", Now);
        Assert.Equal("v", SignedValue.Decode(["new", "old"], "s", byOld, Month, Now));
        Assert.Null(SignedValue.Decode(["new"], "s", byOld, Month, Now));
        var byNew = SignedValue.Create(["new", "old"], "s", "v", Now);
        Assert.Equal("v", SignedValue.Decode(["new"], "s", byNew, Month, Now));
        Assert.Null(SignedValue.Decode(["old"], "s", byNew, Month, Now));
    }

    [Fact]
    public void Expires_after_max_age_and_refuses_timestamps_from_the_future()
    {
        var signed = SignedValue.Create(["k"], "s", "v", Now);
        Assert.Equal("v", SignedValue.Decode(["k"], "s", signed, TimeSpan.FromHours(1), Now + TimeSpan.FromMinutes(59)));
        Assert.Null(SignedValue.Decode(["k"], "s", signed, TimeSpan.FromHours(1), Now + TimeSpan.FromMinutes(61)));
        Assert.Null(SignedValue.Decode(["k"], "s", signed, Month, Now - TimeSpan.FromHours(1)));
    }

    [Fact]
    public void An_infinite_max_age_never_expires()
    {
        var signed = SignedValue.Create(["k"], "s", "v", Now);
        Assert.Equal("v", SignedValue.Decode(["k"], "s", signed, Timeout.InfiniteTimeSpan, Now + TimeSpan.FromDays(3650)));
    }
}
