using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hub.Browser.Tests.Support;

/// <summary>A self-signed certificate made at test time, as PEM files in a temporary folder, with its SPKI pin.</summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _folder;

    private TestCertificate(string folder, string certFile, string keyFile, string spkiPin)
    {
        _folder = folder;
        CertFile = certFile;
        KeyFile = keyFile;
        SpkiPin = spkiPin;
    }

    public string CertFile { get; }

    public string KeyFile { get; }

    /// <summary>base64(SHA-256(SubjectPublicKeyInfo)): what Chromium's --ignore-certificate-errors-spki-list takes.</summary>
    public string SpkiPin { get; }

    public static TestCertificate Create(string host)
    {
        var folder = Path.Combine(Path.GetTempPath(), "hub-browser-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(folder, "cert.pem");
        var keyFile = Path.Combine(folder, "key.pem");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        var pin = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        return new TestCertificate(folder, certFile, keyFile, pin);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
