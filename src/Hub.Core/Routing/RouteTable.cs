namespace Hub.Routing;

/// <summary>Ordered rules; the first match wins (Tornado's Application). Immutable once built.</summary>
public sealed class RouteTable
{
    private readonly Route[] _routes;
    private readonly Dictionary<string, Route> _named;

    internal RouteTable(IReadOnlyList<Route> routes)
    {
        _routes = routes.ToArray();
        _named = new Dictionary<string, Route>(StringComparer.Ordinal);
        foreach (var r in _routes)
            if (r.Name is { } name && !_named.TryAdd(name, r))
                throw new ArgumentException($"two routes are named '{name}'");
    }

    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>The first route matching the raw path, with its captures; null when none does.</summary>
    public (Route Route, RouteValues Values)? Match(string rawPath)
    {
        foreach (var r in _routes)
            if (r.Pattern.Match(rawPath) is { } values) return (r, values);
        return null;
    }

    /// <summary>The path of the route named <paramref name="name"/> with its captures filled in.</summary>
    public string ReverseUrl(string name, params object[] args) =>
        _named.TryGetValue(name, out var r)
            ? r.Pattern.Reverse(args)
            : throw new KeyNotFoundException($"no route named '{name}'");
}
