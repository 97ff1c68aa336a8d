using Akka.Configuration;

namespace Hub.Configuration;

/// <summary>A certificate and its private key: PEM files, or one PKCS#12 file with its password in a file.</summary>
/// <param name="Certificate">PEM certificate (the leaf first, then any intermediates), or null with a PFX.</param>
/// <param name="Key">PEM private key of <paramref name="Certificate"/>.</param>
/// <param name="Pfx">PKCS#12 (.pfx/.p12) file holding the certificate, its chain and key.</param>
/// <param name="PfxPasswordFile">File whose first line is the PFX password; null: no password.</param>
public sealed record TlsCertificateSource(string? Certificate, string? Key, string? Pfx, string? PfxPasswordFile)
{
    /// <summary>The HOCON path this source was read from, for error messages (e.g. hub.tls or hub.tls.hosts[0]).</summary>
    public string ConfigPath { get; init; } = "hub.tls";

    /// <summary>Whether any file is named at all.</summary>
    public bool IsConfigured => Certificate is not null || Key is not null || Pfx is not null;

    internal static TlsCertificateSource FromConfig(Config c, string path) => new(
        Optional(c, path, "certificate"), Optional(c, path, "key"), Optional(c, path, "pfx"), Optional(c, path, "pfx-password-file"))
    {
        ConfigPath = path,
    };

    private static string? Optional(Config c, string path, string key) =>
        c.HasPath(key) && ConfigReader.String(c, path, key, allowEmpty: true) is { Length: > 0 } v ? v : null;
}

/// <summary>hub.tls: this listener speaks TLS (HTTPS and WSS), with one certificate per SNI host name plus a default.</summary>
public sealed record TlsSettings(
    bool Enabled,
    TlsCertificateSource Default,
    IReadOnlyList<(string Host, TlsCertificateSource Source)> Hosts,
    TimeSpan HandshakeTimeout,
    bool Watch)
{
    internal static TlsSettings FromConfig(Config c, string path)
    {
        var hosts = new List<(string, TlsCertificateSource)>();
        var i = 0;
        foreach (var entry in c.GetValue("hosts")?.GetArray() ?? [])
        {
            var entryPath = $"{path}.hosts[{i++}]";
            if (!entry.IsObject()) throw new ConfigurationException($"{entryPath} must be an object such as {{ host = \"a.example\", certificate = \"a.pem\", key = \"a.key\" }}");
            var entryConfig = new Config(new Akka.Configuration.Hocon.HoconRoot(entry));
            var host = ConfigReader.String(entryConfig, entryPath, "host");
            hosts.Add((host, TlsCertificateSource.FromConfig(entryConfig, entryPath)));
        }
        var settings = new TlsSettings(
            Enabled: ConfigReader.Bool(c, path, "enabled"),
            Default: TlsCertificateSource.FromConfig(c, path),
            Hosts: hosts,
            // The stage schedules a timer with it: an endless handshake would let a silent client hold a socket.
            HandshakeTimeout: ConfigReader.Duration(c, path, "handshake-timeout", allowInfinite: false),
            Watch: ConfigReader.Bool(c, path, "watch"));
        if (settings.Enabled && !settings.Default.IsConfigured)
            throw new ConfigurationException($"{path}.enabled = on needs {path}.certificate and {path}.key, or {path}.pfx");
        return settings;
    }
}
