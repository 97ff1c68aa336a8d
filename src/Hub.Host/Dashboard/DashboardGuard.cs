namespace Hub.Host.Dashboard;

/// <summary>Turns a <see cref="DashboardAccess"/> decision into the response for both dashboard routes.</summary>
internal static class DashboardGuard
{
    /// <summary>Throws the <see cref="HttpError"/> for a refused request; returns when it is allowed.</summary>
    public static void Check(DashboardSettings settings, HttpRequest request)
    {
        switch (DashboardAccess.Decide(settings, request))
        {
            case DashboardDecision.Allow: return;
            case DashboardDecision.NotFound: throw new HttpError(404);
            case DashboardDecision.Unauthorized: throw new HttpError(401, "the dashboard needs its token");
            default: throw new HttpError(403, "the dashboard is served to loopback clients only (configure a token)");
        }
    }

    /// <summary>Headers every dashboard response carries, errors included (set after the response was cleared).</summary>
    public static void SetHeaders(RequestHandler handler, int status)
    {
        // RFC 6750 §3: a 401 names the scheme the client must use.
        if (status == 401) handler.SetHeader("WWW-Authenticate", "Bearer realm=\"hub-dashboard\"");
        handler.SetHeader("Cache-Control", "no-store");
        // The token may ride in the URL: keep it out of Referer headers.
        handler.SetHeader("Referrer-Policy", "no-referrer");
    }
}
