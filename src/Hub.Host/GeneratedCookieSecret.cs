using System.Security.Cryptography;
using Hub.Configuration;

namespace Hub.Host;

/// <summary>
/// The demo's login signs a cookie, so the host needs a secret. With none configured it makes a random one per
/// start rather than shipping a fixed secret in hocon/hub.conf (anyone could forge cookies with a published key).
/// </summary>
public static class GeneratedCookieSecret
{
    public const string Warning =
        "hub.security.cookie-secrets is not set: signed cookies (the /login user) use a random secret generated at start; " +
        "they will not survive a restart or work across cluster nodes unless hub.security.cookie-secrets is set";

    /// <summary><paramref name="settings"/> with a random secret when it has none; <c>Generated</c> says whether it did.</summary>
    public static (HubSettings Settings, bool Generated) Ensure(HubSettings settings)
    {
        if (settings.Security.CookieSecrets.Count > 0) return (settings, false);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        return (settings with { Security = settings.Security with { CookieSecrets = [secret] } }, true);
    }
}
