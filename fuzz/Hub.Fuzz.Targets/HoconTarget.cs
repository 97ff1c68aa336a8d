using System.Text;
using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Fuzz;

/// <summary>
/// HOCON text → <see cref="HubSettings"/>, the way the host reads an operator's --config file
/// (<see cref="HubSettings.ParseConfig"/> with the reference fallback, then <see cref="HubSettings.FromConfig"/>).
/// A refusal must be a <see cref="ConfigurationException"/> (or the parser's <see cref="FormatException"/>); any other
/// exception is a finding. Settings that were accepted must be within the ranges the readers promise.
/// </summary>
public static class HoconTarget
{
    public static void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        HubSettings settings;
        try { settings = HubSettings.FromConfig(HubSettings.ParseConfig(text)); }
        catch (ConfigurationException) { return; }
        catch (FormatException) { return; }

        FuzzInvariantException.Check(settings.Server.Port is >= 0 and <= 65535, $"port {settings.Server.Port}");
        FuzzInvariantException.Check(!string.IsNullOrWhiteSpace(settings.Server.Hostname), "empty hostname");
        FuzzInvariantException.Check(settings.Http.MaxRequestLineSize >= 16 && settings.Http.MaxRequestHeadersTotalSize >= 16, "head limits below 16 bytes");
        FuzzInvariantException.Check(settings.Http.MaxRequestBodySize >= 0 && settings.Http.BodyChunkSize >= 1, "body limits out of range");
        FuzzInvariantException.Check(Positive(settings.Http.KeepAliveTimeout) && Positive(settings.Http.RequestHeadersTimeout)
            && Positive(settings.Shutdown.DrainTimeout) && Positive(settings.Security.SignedCookieMaxAge), "a timeout that is neither positive nor infinite");
        FuzzInvariantException.Check(settings.Server.LingerTimeout > TimeSpan.Zero, "linger-timeout not positive");
        FuzzInvariantException.Check(settings.Security.CookieSecrets.All(s => !string.IsNullOrWhiteSpace(s)), "an empty cookie secret");
        FuzzInvariantException.Check(settings.WebSocket.MaxMessageSize >= 1, "WebSocket message limit out of range");
    }

    private static bool Positive(TimeSpan t) => t > TimeSpan.Zero || t == Timeout.InfiniteTimeSpan;
}
