using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Hub.Configuration;
using Hub.Tls;

namespace Hub.Integration.Tests.Tls;

/// <summary>
/// Certificates are loaded when a TLS listener starts: every bad file is a one-line error naming the key and the
/// file; a good PEM pair or PKCS#12 file loads.
/// </summary>
public sealed class TlsCertificateLoadingTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    private static TlsSettings Settings(string hocon) =>
        HubSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(HubSettings.DefaultConfig())).Tls;

    private static string Error(string hocon) =>
        Assert.Throws<ConfigurationException>(() => new TlsServerContext(Settings(hocon)).Dispose()).Message;

    [Fact]
    public void Loads_a_pem_pair_and_a_pkcs12_file()
    {
        var (certificate, certFile, keyFile) = _certificates.Create("good", "localhost");
        using var pem = new TlsServerContext(Settings(TestCertificates.Hocon(certFile, keyFile)));
        Assert.Equal(certificate.GetCertHashString(), pem.Select(null).ServerCertificateContext!.TargetCertificate.GetCertHashString());

        var pfxFile = Path.Combine(_certificates.Folder, "good.pfx");
        var passwordFile = Path.Combine(_certificates.Folder, "password.txt");
        using (var withKey = X509Certificate2.CreateFromPemFile(certFile, keyFile))
            File.WriteAllBytes(pfxFile, withKey.Export(X509ContentType.Pkcs12, "s3cret"));
        File.WriteAllText(passwordFile, "s3cret\n");
        using var pfx = new TlsServerContext(Settings($"hub.tls {{\n enabled = on\n pfx = \"{pfxFile}\"\n pfx-password-file = \"{passwordFile}\"\n }}"));
        Assert.Equal(certificate.GetCertHashString(), pfx.Select("localhost").ServerCertificateContext!.TargetCertificate.GetCertHashString());
    }

    [Fact]
    public void An_unreadable_certificate_file_names_the_key_and_the_file()
    {
        var (_, _, keyFile) = _certificates.Create("a", "localhost");
        var missing = Path.Combine(_certificates.Folder, "missing.pem");
        Assert.StartsWith($"hub.tls.certificate: '{missing}' cannot be read", Error(TestCertificates.Hocon(missing, keyFile)));
    }

    [Fact]
    public void A_malformed_certificate_names_the_certificate()
    {
        var (_, _, keyFile) = _certificates.Create("a", "localhost");
        var garbage = Path.Combine(_certificates.Folder, "garbage.pem");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        Assert.StartsWith($"hub.tls.certificate: '{garbage}'", Error(TestCertificates.Hocon(garbage, keyFile)));
    }

    [Fact]
    public void A_key_of_another_certificate_names_the_key()
    {
        var (_, certFile, _) = _certificates.Create("a", "localhost");
        var (_, _, otherKey) = _certificates.Create("b", "localhost");
        var message = Error(TestCertificates.Hocon(certFile, otherKey));
        Assert.StartsWith($"hub.tls.key: '{otherKey}' is not the PEM private key of {certFile}", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void A_pkcs12_file_with_the_wrong_password_names_the_pfx()
    {
        var (_, certFile, keyFile) = _certificates.Create("a", "localhost");
        var pfxFile = Path.Combine(_certificates.Folder, "a.pfx");
        var passwordFile = Path.Combine(_certificates.Folder, "wrong.txt");
        using (var withKey = X509Certificate2.CreateFromPemFile(certFile, keyFile))
            File.WriteAllBytes(pfxFile, withKey.Export(X509ContentType.Pkcs12, "right"));
        File.WriteAllText(passwordFile, "wrong");
        Assert.StartsWith($"hub.tls.pfx: '{pfxFile}'", Error($"hub.tls {{\n enabled = on\n pfx = \"{pfxFile}\"\n pfx-password-file = \"{passwordFile}\"\n }}"));
    }

    [Fact]
    public void Enabled_without_a_certificate_says_what_is_missing()
    {
        var error = Assert.Throws<ConfigurationException>(() => Settings("hub.tls.enabled = on"));
        Assert.Equal("hub.tls.enabled = on needs hub.tls.certificate and hub.tls.key, or hub.tls.pfx", error.Message);
    }
}
