using Akka.Configuration;
using Hub.Configuration;
using Hub.Tls;

namespace Hub.Host;

/// <summary>
/// The host's second listener for HTTPS and WSS: same application, its own port (--tls-port / hub.host.tls-port),
/// hub.tls's certificates. Certificates are checked before anything starts, and every error names the flag the
/// operator typed (or the key, when it came from a file).
/// </summary>
internal static class TlsListener
{
    private const string PortKey = "hub.host.tls-port";

    /// <summary>The TLS listener's settings, or null when the host runs none.</summary>
    public static HubSettings? Settings(HostOptions options, Config config, HubSettings settings)
    {
        var tls = settings.Tls;
        if (!tls.Default.IsConfigured)
        {
            if (options.TlsPort is not null) throw new HostStartupException("--tls-port needs --tls-cert and --tls-key, or --tls-pfx");
            return null;
        }
        // hub.tls.enabled = on already makes the one listener TLS.
        if (tls.Enabled) return null;
        var port = options.TlsPort ?? ConfiguredPort(config);
        if (port is null) return null;
        return settings with
        {
            Server = settings.Server with { Port = port.Value },
            Tls = tls with { Enabled = true },
        };
    }

    /// <summary>Loads the certificates once, before the ActorSystem starts: a bad file is a one-line error naming the flag.</summary>
    public static void Check(HostOptions options, TlsSettings tls)
    {
        try
        {
            new TlsServerContext(tls with { Watch = false }).Dispose();
        }
        catch (ConfigurationException e)
        {
            throw new HostStartupException(NameTheFlag(options, e.Message), e);
        }
    }

    /// <summary>
    /// "hub.tls.key: 'k.pem' is not …" → "--tls-key: 'k.pem' is not …" when the certificate came from the flags
    /// (then "needs hub.tls.key" reads "needs --tls-key" too).
    /// </summary>
    internal static string NameTheFlag(HostOptions options, string message)
    {
        if (options.TlsCert is null && options.TlsKey is null && options.TlsPfx is null && options.TlsPfxPasswordFile is null) return message;
        (string Key, string Flag)[] flags =
        [
            ("hub.tls.pfx-password-file", "--tls-pfx-password-file"),
            ("hub.tls.certificate", "--tls-cert"),
            ("hub.tls.key", "--tls-key"),
            ("hub.tls.pfx", "--tls-pfx"),
        ];
        foreach (var (key, flag) in flags) message = message.Replace(key, flag, StringComparison.Ordinal);
        return message;
    }

    private static int? ConfiguredPort(Config config)
    {
        if (!config.HasPath(PortKey)) return null;
        var text = config.GetString(PortKey);
        if (text is "off" or "false" or "no") return null;
        return int.TryParse(text, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new HostStartupException($"invalid configuration: {PortKey} must be a port (0-65535) or off, was '{text}'");
    }
}
