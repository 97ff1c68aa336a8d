using System.Text.RegularExpressions;
using Hub.Routing;

namespace Hub;

/// <summary>
/// Collects an application's rules in order. <c>Map&lt;UserHandler&gt;("/users/{id}", name: "user")</c> or Tornado's
/// regex form <c>Map&lt;ItemHandler&gt;("/items/([0-9]+)")</c>; extra <c>args</c> are passed to the handler's constructor.
/// </summary>
public sealed class RouteBuilder
{
    private readonly List<Route> _routes = new();

    /// <summary>Maps a template or regex pattern to a handler type.</summary>
    public RouteBuilder Map<THandler>(string pattern, string? name = null, params object?[] args) where THandler : RequestHandler =>
        Add(RoutePattern.Parse(pattern), HandlerFactory.For(typeof(THandler), args), name);

    /// <summary>Maps a regular expression (anchored for you) to a handler type.</summary>
    public RouteBuilder Map<THandler>(Regex pattern, string? name = null, params object?[] args) where THandler : RequestHandler =>
        Add(RoutePattern.FromRegex(pattern), HandlerFactory.For(typeof(THandler), args), name);

    /// <summary>Maps a pattern to a factory that makes a handler per request.</summary>
    public RouteBuilder Map<THandler>(string pattern, Func<THandler> factory, string? name = null) where THandler : RequestHandler =>
        Add(RoutePattern.Parse(pattern), new HandlerFactory(typeof(THandler), _ => factory()), name);

    /// <summary>Maps a <see cref="RoomSocket"/> endpoint: the room is the pattern's <c>{room}</c> value, or
    /// <paramref name="room"/> when given (docs/rooms-protocol.md).</summary>
    public RouteBuilder MapRoom(string pattern, string? room = null, string? name = null) =>
        Map<RoomSocket>(pattern, room is null ? () => new RoomSocket() : () => new RoomSocket(room), name);

    private RouteBuilder Add(RoutePattern pattern, HandlerFactory factory, string? name)
    {
        _routes.Add(new Route(pattern, factory, name));
        return this;
    }

    internal RouteTable Build() => new(_routes);
}
