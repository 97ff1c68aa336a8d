using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Hub.Configuration;

namespace Hub.Tls;

/// <summary>
/// Loads a <see cref="TlsCertificateSource"/> into an <see cref="SslStreamCertificateContext"/> (the certificate with
/// its private key and chain, built once and shared by every handshake). Every failure is a
/// <see cref="ConfigurationException"/> of one line that names the key and the file.
/// </summary>
internal static class TlsCertificateLoader
{
    public static SslStreamCertificateContext Load(TlsCertificateSource source)
    {
        var (leaf, chain) = source.Pfx is { } pfx ? LoadPfx(source, pfx) : LoadPem(source);
        if (!leaf.HasPrivateKey) throw Error(source, source.Pfx is null ? "key" : "pfx", source.Pfx ?? source.Key!, "holds no private key for the certificate");
        var now = DateTime.Now;
        if (leaf.NotAfter < now) throw Error(source, source.Pfx is null ? "certificate" : "pfx", source.Pfx ?? source.Certificate!, $"expired on {leaf.NotAfter:u}");
        // offline: the chain is what the files hold; nothing is fetched from the network at handshake time.
        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPem(TlsCertificateSource source)
    {
        if (source.Certificate is null) throw new ConfigurationException($"{source.ConfigPath}.key needs {source.ConfigPath}.certificate");
        if (source.Key is null) throw new ConfigurationException($"{source.ConfigPath}.certificate needs {source.ConfigPath}.key");
        var certText = Read(source, "certificate", source.Certificate);
        var keyText = Read(source, "key", source.Key);
        // The certificate first, on its own, so that a bad certificate is not reported as a bad key.
        var chain = new X509Certificate2Collection();
        try { chain.ImportFromPem(certText); }
        catch (CryptographicException) { throw Error(source, "certificate", source.Certificate, "holds a malformed certificate"); }
        if (chain.Count == 0) throw Error(source, "certificate", source.Certificate, "holds no PEM certificate");
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certText, keyText);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Error(source, "key", source.Key, $"is not the PEM private key of {source.Certificate} ({e.Message.TrimEnd('.')})");
        }
        // The first is the leaf itself; the rest are intermediates sent in the handshake.
        chain.RemoveAt(0);
        return (leaf, chain);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPfx(TlsCertificateSource source, string pfx)
    {
        var password = source.PfxPasswordFile is { } file
            ? Read(source, "pfx-password-file", file).Split('\n')[0].TrimEnd('\r')
            : null;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(pfx); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Error(source, "pfx", pfx, $"cannot be read ({e.Message.TrimEnd('.')})"); }
        X509Certificate2Collection all;
        try { all = X509CertificateLoader.LoadPkcs12Collection(bytes, password, X509KeyStorageFlags.EphemeralKeySet); }
        catch (CryptographicException e) { throw Error(source, "pfx", pfx, $"is not a PKCS#12 file this password opens ({e.Message.TrimEnd('.')})"); }
        var leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw Error(source, "pfx", pfx, "holds no certificate with a private key");
        var chain = new X509Certificate2Collection();
        foreach (var c in all) if (!ReferenceEquals(c, leaf)) chain.Add(c);
        return (leaf, chain);
    }

    private static string Read(TlsCertificateSource source, string key, string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw Error(source, key, path, $"cannot be read ({e.Message.TrimEnd('.')})"); }
    }

    private static ConfigurationException Error(TlsCertificateSource source, string key, string file, string what) =>
        new($"{source.ConfigPath}.{key}: '{file}' {what}");
}
