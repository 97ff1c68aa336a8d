namespace Hub.Core.Tests;

public sealed class ApplicationTests
{
    private sealed class Provider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    [Fact]
    public void Services_given_after_construction_are_used_from_then_on()
    {
        var app = new Application(r => r.Map<TestHandler>("/"));
        var services = new Provider();

        app.UseServices(services);
        app.UseServices(services);

        Assert.Same(services, app.Services);
    }

    [Fact]
    public void A_second_different_provider_is_refused()
    {
        var first = new Provider();
        var app = new Application(r => r.Map<TestHandler>("/"), first);

        Assert.Throws<InvalidOperationException>(() => app.UseServices(new Provider()));
        Assert.Same(first, app.Services);
    }

    public sealed class TestHandler : RequestHandler;
}
