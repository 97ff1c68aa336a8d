using Hub.Handlers;

namespace Hub.Core.Tests.Handlers;

public sealed class HandlerMethodsTests
{
    private sealed class GetOnly : RequestHandler
    {
        public override Task GetAsync() => Task.CompletedTask;
    }

    private sealed class PostAndDelete : RequestHandler
    {
        public override Task DeleteAsync() => Task.CompletedTask;
        public override Task PostAsync() => Task.CompletedTask;
    }

    private class Base : RequestHandler
    {
        public override Task PutAsync() => Task.CompletedTask;
    }

    [StreamRequestBody]
    private sealed class Derived : Base
    {
        public override Task PatchAsync() => Task.CompletedTask;
    }

    private sealed class Nothing : RequestHandler;

    [Fact]
    public void Allow_lists_overridden_verbs_with_HEAD_after_GET_and_OPTIONS_last()
    {
        Assert.Equal(["GET", "HEAD", "OPTIONS"], HandlerMethods.Of(typeof(GetOnly)).Allowed);
        Assert.Equal(["POST", "DELETE", "OPTIONS"], HandlerMethods.Of(typeof(PostAndDelete)).Allowed);
        Assert.Equal(["PUT", "PATCH", "OPTIONS"], HandlerMethods.Of(typeof(Derived)).Allowed);
        Assert.Equal(["OPTIONS"], HandlerMethods.Of(typeof(Nothing)).Allowed);
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("HEAD", true)]
    [InlineData("OPTIONS", true)]
    [InlineData("POST", false)]
    [InlineData("get", false)]
    [InlineData("FOO", false)]
    [InlineData("TRACE", false)]
    public void Implements_follows_the_overrides(string method, bool expected) =>
        Assert.Equal(expected, HandlerMethods.Of(typeof(GetOnly)).Implements(method));

    [Fact]
    public void HEAD_needs_GET()
    {
        Assert.False(HandlerMethods.Of(typeof(PostAndDelete)).Implements("HEAD"));
        Assert.True(HandlerMethods.Of(typeof(PostAndDelete)).Implements("DELETE"));
    }

    [Fact]
    public void Streaming_is_opt_in_by_attribute_and_inherited()
    {
        Assert.True(HandlerMethods.Of(typeof(Derived)).StreamsBody);
        Assert.False(HandlerMethods.Of(typeof(Base)).StreamsBody);
        Assert.Same(HandlerMethods.Of(typeof(Derived)), HandlerMethods.Of(typeof(Derived)));
    }
}
