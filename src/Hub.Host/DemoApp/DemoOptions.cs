using Hub.Host.Dashboard;

namespace Hub.Host.DemoApp;

/// <summary>What the demo routes need from the command line.</summary>
public sealed record DemoOptions
{
    /// <summary>Where GET /proxy fetches from; null makes /proxy answer 503.</summary>
    public Uri? ProxyUpstream { get; init; }

    /// <summary>hub.host.dashboard: off by default, and then /dashboard does not exist (404).</summary>
    public DashboardSettings Dashboard { get; init; } = DashboardSettings.Disabled;
}
