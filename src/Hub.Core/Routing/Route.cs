namespace Hub.Routing;

/// <summary>One rule of an <see cref="Application"/>: pattern → handler, with an optional name for reverse URLs.</summary>
public sealed class Route
{
    internal Route(RoutePattern pattern, HandlerFactory factory, string? name)
    {
        Pattern = pattern;
        Factory = factory;
        Name = name;
    }

    public RoutePattern Pattern { get; }
    public string? Name { get; }
    public Type HandlerType => Factory.HandlerType;
    internal HandlerFactory Factory { get; }
}
