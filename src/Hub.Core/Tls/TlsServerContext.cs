using System.Net.Security;
using System.Security.Authentication;
using Akka.Event;
using Hub.Configuration;

namespace Hub.Tls;

/// <summary>
/// What every TLS handshake of one listener uses: the server options per SNI host name (with a default), built once
/// from the certificate files and swapped whole on a reload, so new handshakes take the new certificates while open
/// connections keep theirs. Thread-safe: handshakes read the current table on thread-pool threads.
/// </summary>
public sealed class TlsServerContext : IDisposable
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http11];

    private readonly TlsSettings _settings;
    private readonly ILoggingAdapter? _log;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _debounce;
    private volatile Table _table;

    private sealed record Table(SslServerAuthenticationOptions Default, IReadOnlyDictionary<string, SslServerAuthenticationOptions> Exact,
        IReadOnlyList<(string Suffix, SslServerAuthenticationOptions Options)> Wildcards);

    /// <summary>Loads every certificate now: a bad file fails here, at start, not at the first handshake.</summary>
    /// <exception cref="Akka.Configuration.ConfigurationException">A file cannot be read or is not what it should be.</exception>
    public TlsServerContext(TlsSettings settings, ILoggingAdapter? log = null)
    {
        _settings = settings;
        _log = log;
        _table = Build(settings);
        _debounce = new Timer(_ => TryReload("a certificate file changed"));
        if (settings.Watch) WatchFiles();
    }

    /// <summary>A handshake not done within this is abandoned.</summary>
    public TimeSpan HandshakeTimeout => _settings.HandshakeTimeout;

    /// <summary>How many times the certificates were (re)loaded successfully, the first load included.</summary>
    public int Generation { get; private set; } = 1;

    /// <summary>Loads the certificate files again; on failure logs it and keeps the current ones. True when reloaded.</summary>
    public bool TryReload(string why)
    {
        try
        {
            _table = Build(_settings);
            Generation++;
            _log?.Info("TLS certificates reloaded ({0})", why);
            return true;
        }
        catch (Exception e)
        {
            _log?.Warning("TLS certificates not reloaded ({0}); the previous ones stay: {1}", why, e.Message);
            return false;
        }
    }

    /// <summary>The options for a ClientHello naming <paramref name="serverName"/> (SNI), or the default.</summary>
    public SslServerAuthenticationOptions Select(string? serverName)
    {
        var table = _table;
        if (string.IsNullOrEmpty(serverName)) return table.Default;
        if (table.Exact.TryGetValue(serverName, out var exact)) return exact;
        var dot = serverName.IndexOf('.');
        if (dot > 0)
        {
            var suffix = serverName[dot..];
            foreach (var (s, options) in table.Wildcards)
                if (string.Equals(s, suffix, StringComparison.OrdinalIgnoreCase)) return options;
        }
        return table.Default;
    }

    private static Table Build(TlsSettings settings)
    {
        var exact = new Dictionary<string, SslServerAuthenticationOptions>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new List<(string, SslServerAuthenticationOptions)>();
        foreach (var (host, source) in settings.Hosts)
        {
            var options = Options(source);
            if (host.StartsWith("*.", StringComparison.Ordinal)) wildcards.Add((host[1..], options));
            else exact[host] = options;
        }
        return new Table(Options(settings.Default), exact, wildcards);
    }

    private static SslServerAuthenticationOptions Options(TlsCertificateSource source) => new()
    {
        ServerCertificateContext = TlsCertificateLoader.Load(source),
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ApplicationProtocols = Alpn,
        ClientCertificateRequired = false,
        CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        // null: the platform's default cipher policy.
        CipherSuitesPolicy = null,
    };

    private void WatchFiles()
    {
        var files = new[] { _settings.Default }.Concat(_settings.Hosts.Select(h => h.Source))
            .SelectMany(s => new[] { s.Certificate, s.Key, s.Pfx, s.PfxPasswordFile })
            .OfType<string>().Select(Path.GetFullPath).Distinct();
        foreach (var directory in files.GroupBy(Path.GetDirectoryName))
        {
            var names = directory.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
            var watcher = new FileSystemWatcher(directory.Key!) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
            void Changed(object? _, FileSystemEventArgs e)
            {
                // Certificate renewals write several files (and often rename into place): reload once they settle.
                if (names.Contains(e.Name ?? "")) _debounce.Change(TimeSpan.FromMilliseconds(500), Timeout.InfiniteTimeSpan);
            }
            watcher.Changed += Changed;
            watcher.Created += Changed;
            watcher.Renamed += (s, e) => Changed(s, e);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public void Dispose()
    {
        foreach (var w in _watchers) w.Dispose();
        _debounce.Dispose();
    }
}
