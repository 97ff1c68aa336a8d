namespace Hub.Host.DemoApp;

/// <summary>
/// Where a <c>next</c> argument may send the browser: only a path on this site ("/x", not "//host/x", "/\host" or
/// "https://host"), else "/" — a login form must not be an open redirect.
/// </summary>
public static class LocalRedirect
{
    public static string Target(string? next) =>
        next is { Length: > 0 } && next[0] == '/' && (next.Length == 1 || next[1] is not ('/' or '\\'))
        && !next.Any(char.IsControl)
            ? next
            : "/";
}
