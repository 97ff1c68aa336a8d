using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hub.Integration.Tests.Tls;

/// <summary>
/// Self-signed certificates made at test time (no openssl, nothing checked in), written as PEM files to a temporary
/// folder that is deleted with this object.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public TestCertificates() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "hub-tls-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A new certificate for <paramref name="hosts"/> (and 127.0.0.1), written as NAME.pem and NAME.key.</summary>
    public (X509Certificate2 Certificate, string CertFile, string KeyFile) Create(string name, params string[] hosts)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(hosts.Length > 0 ? hosts[0] : name)}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var h in hosts) san.AddDnsName(h);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(Folder, name + ".pem");
        var keyFile = Path.Combine(Folder, name + ".key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (X509CertificateLoader.LoadCertificate(certificate.RawData), certFile, keyFile);
    }

    /// <summary>HOCON that turns a test listener into a TLS listener with this certificate.</summary>
    public static string Hocon(string certFile, string keyFile, string extra = "") =>
        $"hub.tls {{\n enabled = on\n certificate = \"{certFile}\"\n key = \"{keyFile}\"\n {extra}\n }}";

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
