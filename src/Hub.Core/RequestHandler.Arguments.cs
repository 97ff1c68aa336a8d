using System.Diagnostics.CodeAnalysis;

namespace Hub;

public abstract partial class RequestHandler
{
    /// <summary>
    /// The last value of argument <paramref name="name"/> from the query string or a form body (Tornado's
    /// get_argument). A missing argument is a 400 (Tornado's MissingArgumentError).
    /// </summary>
    public string GetArgument(string name) => Last(GetArguments(name)) ?? throw Missing(name);

    /// <summary>
    /// The last value of argument <paramref name="name"/>, or <paramref name="defaultValue"/> when it is missing
    /// (which may be null, as Tornado's get_argument(name, None)).
    /// </summary>
    [return: NotNullIfNotNull(nameof(defaultValue))]
    public string? GetArgument(string name, string? defaultValue) => Last(GetArguments(name)) ?? defaultValue;

    /// <summary>Every value of <paramref name="name"/>: query values first, then body values.</summary>
    public IReadOnlyList<string> GetArguments(string name)
    {
        var q = GetQueryArguments(name);
        var b = GetBodyArguments(name);
        if (b.Count == 0) return q;
        if (q.Count == 0) return b;
        return [.. q, .. b];
    }

    /// <summary>The last query-string value of <paramref name="name"/>; missing → 400.</summary>
    public string GetQueryArgument(string name) => Last(GetQueryArguments(name)) ?? throw Missing(name);

    /// <summary>The last query-string value of <paramref name="name"/>, or <paramref name="defaultValue"/>.</summary>
    [return: NotNullIfNotNull(nameof(defaultValue))]
    public string? GetQueryArgument(string name, string? defaultValue) => Last(GetQueryArguments(name)) ?? defaultValue;

    public IReadOnlyList<string> GetQueryArguments(string name) =>
        Request.QueryArguments.TryGetValue(name, out var v) ? v : [];

    /// <summary>The last form-body value of <paramref name="name"/>; missing → 400.</summary>
    public string GetBodyArgument(string name) => Last(GetBodyArguments(name)) ?? throw Missing(name);

    /// <summary>The last form-body value of <paramref name="name"/>, or <paramref name="defaultValue"/>.</summary>
    [return: NotNullIfNotNull(nameof(defaultValue))]
    public string? GetBodyArgument(string name, string? defaultValue) => Last(GetBodyArguments(name)) ?? defaultValue;

    public IReadOnlyList<string> GetBodyArguments(string name) =>
        Request.BodyArguments.TryGetValue(name, out var v) ? v : [];

    private static string? Last(IReadOnlyList<string> values) => values.Count == 0 ? null : values[^1];

    private static HttpError Missing(string name) => new(400, "missing argument {0}", name);
}
