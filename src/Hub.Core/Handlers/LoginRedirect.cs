namespace Hub.Handlers;

/// <summary>
/// Where [Authenticated] sends a GET without a user: hub.security.login-url plus <c>next=</c> the request's path and
/// query, URL-encoded (Tornado's authenticated decorator; an absolute login URL gets the full URL as next, so the
/// login site can send the user back to this host).
/// </summary>
internal static class LoginRedirect
{
    public static string For(string loginUrl, HttpRequest request)
    {
        var target = request.RawPath + (request.Query.Length > 0 ? "?" + request.Query : "");
        // Not Uri.TryCreate(…, Absolute): on Unix it reads "/login" as an absolute file: URI.
        var absolute = loginUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                       || loginUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var next = absolute ? request.FullUrl() : target;
        return loginUrl + (loginUrl.Contains('?') ? '&' : '?') + "next=" + Uri.EscapeDataString(next);
    }
}
