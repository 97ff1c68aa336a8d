namespace Hub.Routing;

/// <summary>
/// What a route captured from the path, percent-decoded: by position (Tornado's path_args) and, for named groups
/// and "{name}" templates, by name (path_kwargs).
/// </summary>
public sealed class RouteValues
{
    public static readonly RouteValues Empty = new([], new Dictionary<string, string>());

    private readonly IReadOnlyDictionary<string, string> _named;

    internal RouteValues(IReadOnlyList<string> positional, IReadOnlyDictionary<string, string> named)
    {
        Positional = positional;
        _named = named;
    }

    /// <summary>Captures in order.</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>Named captures.</summary>
    public IReadOnlyDictionary<string, string> Named => _named;

    /// <summary>A named capture; throws <see cref="KeyNotFoundException"/> naming the key when absent.</summary>
    public string this[string name] =>
        _named.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"route has no value named '{name}'");

    /// <summary>A capture by position.</summary>
    public string this[int index] => Positional[index];

    public bool TryGetValue(string name, out string value) => _named.TryGetValue(name, out value!);
}
