using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>Self-signed CAs and silo certificates made in the test (ECDSA P-256), written as PEM files into a temporary folder.</summary>
internal sealed class TestCertificates : IDisposable
{
    public static readonly string[] BothAuthentications = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"];
    public static readonly string[] ServerOnly = ["1.3.6.1.5.5.7.3.1"];
    public static readonly string[] ClientOnly = ["1.3.6.1.5.5.7.3.2"];

    private readonly List<X509Certificate2> made = [];

    public string Folder { get; } = Directory.CreateTempSubdirectory("genplat-tls-").FullName;

    public X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return Keep(request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2)));
    }

    /// <summary>
    /// A silo certificate issued by <paramref name="issuer"/>, or self-signed when null, with these extended key usages (default:
    /// both authentications; empty: no extended key usage extension at all) and DNS names (default: none).
    /// </summary>
    public X509Certificate2 Silo(string name, X509Certificate2? issuer, string[]? usages = null, DateTimeOffset? notAfter = null, string[]? dnsNames = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (var usage in usages ?? BothAuthentications) oids.Add(new Oid(usage));
        if (oids.Count > 0) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        if (dnsNames is { Length: > 0 })
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames) san.AddDnsName(dns);
            request.CertificateExtensions.Add(san.Build());
        }
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var notBefore = DateTimeOffset.UtcNow.AddHours(-2);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(1);
        if (issuer is null) return Keep(request.CreateSelfSigned(notBefore, end));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issued = request.Create(issuer, notBefore, end, RandomNumberGenerator.GetBytes(12));
        return Keep(issued.CopyWithPrivateKey(key));
    }

    /// <summary>Writes the certificate's PEM (and, separately, its key's) and returns the paths.</summary>
    public (string Certificate, string Key) Write(X509Certificate2 certificate, string name)
    {
        var cert = Path.Combine(Folder, name + ".crt");
        var key = Path.Combine(Folder, name + ".key");
        File.WriteAllText(cert, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        return (cert, key);
    }

    /// <summary>Writes <paramref name="text"/> into the folder and returns the path.</summary>
    public string WriteText(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private X509Certificate2 Keep(X509Certificate2 certificate)
    {
        made.Add(certificate);
        return certificate;
    }

    public void Dispose()
    {
        foreach (var certificate in made) certificate.Dispose();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
