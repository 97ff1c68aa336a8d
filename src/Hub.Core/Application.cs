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
    public Application(Action<RouteBuilder> routes, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var builder = new RouteBuilder();
        routes(builder);
        Routes = builder.Build();
        Services = services;
    }

    public RouteTable Routes { get; }

    /// <summary>Where handler constructor parameters not given as route arguments are resolved.</summary>
    public IServiceProvider? Services { get; }

    /// <summary>The path of a named route with its captures filled in (Tornado's reverse_url).</summary>
    public string ReverseUrl(string name, params object[] args) => Routes.ReverseUrl(name, args);
}
