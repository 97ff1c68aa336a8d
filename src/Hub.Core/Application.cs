using Hub.Routing;

namespace Hub;

/// <summary>
/// An immutable route table plus application-wide services, built once and shared by every connection
/// (Tornado's <c>tornado.web.Application</c>).
/// <code>
/// var app = new Application(routes => routes
///     .Map&lt;MainHandler&gt;("/")
///     .Map&lt;UserHandler&gt;("/users/{id}", name: "user"));
/// </code>
/// </summary>
public sealed class Application
{
    private IServiceProvider? _services;

    public Application(Action<RouteBuilder> routes, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var builder = new RouteBuilder();
        routes(builder);
        Routes = builder.Build();
        _services = services;
    }

    public RouteTable Routes { get; }

    /// <summary>Where handler constructor parameters not given as route arguments are resolved.</summary>
    public IServiceProvider? Services => Volatile.Read(ref _services);

    /// <summary>
    /// Sets <see cref="Services"/> once, after construction: a generic host builds its container after the routes
    /// (Akka.Hosting's <c>WithHub</c> calls this when the host starts). Handlers created from then on resolve their
    /// constructor parameters from <paramref name="services"/>. Setting the same provider again is a no-op; a
    /// different one throws, so two hosts cannot silently swap each other's services.
    /// </summary>
    public void UseServices(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var previous = Interlocked.CompareExchange(ref _services, services, null);
        if (previous is not null && !ReferenceEquals(previous, services))
            throw new InvalidOperationException("this Application already has a service provider");
    }

    /// <summary>The path of a named route with its captures filled in (Tornado's reverse_url).</summary>
    public string ReverseUrl(string name, params object[] args) => Routes.ReverseUrl(name, args);
}
