namespace Hub;

public abstract partial class RequestHandler
{
    /// <summary>
    /// The last value of argument <paramref name="name"/> from the query string or a form body (Tornado's
    /// get_argument). Without a default, a missing argument is a 400.
    /// </summary>
    public string GetArgument(string name, string? defaultValue = null) =>
        Last(GetArguments(name)) ?? defaultValue ?? throw new HttpError(400, "missing argument {0}", name);

    /// <summary>Every value of <paramref name="name"/>: query values first, then body values.</summary>
    public IReadOnlyList<string> GetArguments(string name)
    {
        var q = GetQueryArguments(name);
        var b = GetBodyArguments(name);
        if (b.Count == 0) return q;
        if (q.Count == 0) return b;
        return [.. q, .. b];
    }

    /// <summary>The last query-string value of <paramref name="name"/>; missing without default → 400.</summary>
    public string GetQueryArgument(string name, string? defaultValue = null) =>
        Last(GetQueryArguments(name)) ?? defaultValue ?? throw new HttpError(400, "missing argument {0}", name);

    public IReadOnlyList<string> GetQueryArguments(string name) =>
        Request.QueryArguments.TryGetValue(name, out var v) ? v : [];

    /// <summary>The last form-body value of <paramref name="name"/>; missing without default → 400.</summary>
    public string GetBodyArgument(string name, string? defaultValue = null) =>
        Last(GetBodyArguments(name)) ?? defaultValue ?? throw new HttpError(400, "missing argument {0}", name);

    public IReadOnlyList<string> GetBodyArguments(string name) =>
        Request.BodyArguments.TryGetValue(name, out var v) ? v : [];

    private static string? Last(IReadOnlyList<string> values) => values.Count == 0 ? null : values[^1];
}
