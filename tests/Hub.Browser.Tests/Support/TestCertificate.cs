using System.Security.Cryptography;
using Hub.Integration.Tests.Tls;

namespace Hub.Browser.Tests.Support;

/// <summary>
/// The browser tests' HTTPS certificate: one made at test time by the integration tests' <see cref="TestCertificates"/>
/// (linked into this project), with the SPKI pin Chromium is told to trust.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly TestCertificates _files = new();

    private TestCertificate(string host)
    {
        var (certificate, certFile, keyFile) = _files.Create("browser", host);
        CertFile = certFile;
        KeyFile = keyFile;
        SpkiPin = Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    public string CertFile { get; }

    public string KeyFile { get; }

    /// <summary>base64(SHA-256(SubjectPublicKeyInfo)): what Chromium's --ignore-certificate-errors-spki-list takes.</summary>
    public string SpkiPin { get; }

    public static TestCertificate Create(string host) => new(host);

    public void Dispose() => _files.Dispose();
}
