namespace Hub.Host.Dashboard;

/// <summary>
/// GET /dashboard: the live dashboard page (wwwroot/dashboard.html), behind <see cref="DashboardAccess"/>. The page
/// opens /dashboard/feed with the same <c>?token=</c> it was loaded with.
/// </summary>
public sealed class DashboardPageHandler(DashboardSettings settings, string root) : StaticFileHandler(root)
{
    public override Task PrepareAsync()
    {
        DashboardGuard.Check(settings, Request);
        return Task.CompletedTask;
    }

    protected override string RequestedPath() => "dashboard.html";

    /// <summary>Never cached, also not with ?v=: it is an admin page.</summary>
    protected override TimeSpan GetCacheTime(string path) => TimeSpan.Zero;

    protected override void SetExtraHeaders(string path)
    {
        DashboardGuard.SetHeaders(this, 200);
        SetHeader("X-Frame-Options", "DENY");
        SetHeader("Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    }

    public override void WriteError(int status, Exception? exception = null)
    {
        DashboardGuard.SetHeaders(this, status);
        base.WriteError(status, exception);
    }
}
