using Hub.Routing;

namespace Hub.Core.Tests.Routing;

public sealed class HandlerFactoryTests
{
    public sealed class Greeting(string text)
    {
        public string Text { get; } = text;
    }

    public sealed class Plain : RequestHandler;

    public sealed class WithArgs(string prefix, int count, Greeting? greeting = null) : RequestHandler
    {
        public string Prefix { get; } = prefix;
        public int Count { get; } = count;
        public Greeting? Greeting { get; } = greeting;
    }

    public sealed class NeedsService(Greeting greeting) : RequestHandler
    {
        public Greeting Greeting { get; } = greeting;
    }

    public abstract class Abstract : RequestHandler;

    private sealed class Services(params object[] services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.FirstOrDefault(serviceType.IsInstanceOfType);
    }

    [Fact]
    public void Makes_a_new_handler_per_request()
    {
        var factory = HandlerFactory.For(typeof(Plain), []);
        var first = factory.Create(null);
        Assert.IsType<Plain>(first);
        Assert.NotSame(first, factory.Create(null));
    }

    [Fact]
    public void Route_arguments_fill_the_constructor_in_order_then_services_then_defaults()
    {
        var withDefault = (WithArgs)HandlerFactory.For(typeof(WithArgs), ["p", 3]).Create(null);
        Assert.Equal(("p", 3, (Greeting?)null), (withDefault.Prefix, withDefault.Count, withDefault.Greeting));

        var greeting = new Greeting("hi");
        var withService = (WithArgs)HandlerFactory.For(typeof(WithArgs), ["p", 3]).Create(new Services(greeting));
        Assert.Same(greeting, withService.Greeting);
    }

    [Fact]
    public void A_missing_service_fails_naming_the_parameter()
    {
        var factory = HandlerFactory.For(typeof(NeedsService), []);
        var e = Assert.Throws<InvalidOperationException>(() => factory.Create(null));
        Assert.Contains("'greeting'", e.Message);
        Assert.Equal("hi", ((NeedsService)factory.Create(new Services(new Greeting("hi")))).Greeting.Text);
    }

    [Fact]
    public void Arguments_that_fit_no_constructor_are_refused_when_mapping()
    {
        Assert.Throws<ArgumentException>(() => HandlerFactory.For(typeof(WithArgs), [1, "p"]));
        Assert.Throws<ArgumentException>(() => HandlerFactory.For(typeof(Plain), ["extra"]));
        Assert.Throws<ArgumentException>(() => HandlerFactory.For(typeof(Abstract), []));
    }

    [Fact]
    public void RouteBuilder_passes_route_arguments_and_factories()
    {
        var app = new Application(r => r
            .Map<WithArgs>("/a", null, "pre", 9)
            .Map("/b", () => new WithArgs("made", 1)));
        var a = (WithArgs)app.Routes.Match("/a")!.Value.Route.Factory.Create(null);
        Assert.Equal(("pre", 9), (a.Prefix, a.Count));
        var b = (WithArgs)app.Routes.Match("/b")!.Value.Route.Factory.Create(null);
        Assert.Equal("made", b.Prefix);
        Assert.Equal(typeof(WithArgs), app.Routes.Routes[1].HandlerType);
    }
}
