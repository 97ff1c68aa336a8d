using Akka.Configuration;

namespace Hub.Host.Dashboard;

/// <summary>
/// hub.host.dashboard (hocon/hub.conf documents it; Hub.Core never reads it): whether GET /dashboard and its feed are
/// served, and the token they require. Off unless configured: an admin view is never open by default.
/// </summary>
public sealed record DashboardSettings(bool Enabled, string Token)
{
    public static readonly DashboardSettings Disabled = new(false, "");

    /// <summary>With a token, any client presenting it; without one, loopback clients only.</summary>
    public bool RequiresToken => Token.Length > 0;

    public static DashboardSettings FromConfig(Config config)
    {
        var token = config.GetString("hub.host.dashboard.token", "") ?? "";
        // A token that differs from what the operator typed only by spaces would be a puzzle to debug.
        if (token.Length > 0 && token.Trim() != token)
            throw new HostStartupException("invalid configuration: hub.host.dashboard.token must not start or end with whitespace");
        return new DashboardSettings(config.GetBoolean("hub.host.dashboard.enabled", false), token);
    }

    /// <summary>The token stays out of logs and exception messages.</summary>
    public override string ToString() => $"DashboardSettings {{ Enabled = {Enabled}, RequiresToken = {RequiresToken} }}";
}
