using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GenerationPlatform.Silo;

/// <summary>
/// Mutual TLS on the silo-to-silo port (section GenerationPlatform:Cluster:Tls), through
/// Microsoft.Orleans.Connections.Security. Every silo presents the certificate at <see cref="CertificatePath"/>
/// (PEM, with its private key at <see cref="KeyPath"/> or in the same file) and requires one from every peer, in
/// both directions: with <see cref="CaPath"/>, any certificate issued by those CAs; without it, exactly its own
/// certificate (one certificate shared by the cluster, e.g. one Kubernetes TLS Secret mounted in every pod).
/// Silos reach each other by IP address, so a peer's name is never checked against the address dialled. A peer must present
/// a certificate whose extended key usage lists both server and client authentication, and the cluster's identity is the
/// trust anchor (a CA of the cluster's own, or the one shared certificate) and, with <see cref="PeerName"/>, a DNS name every
/// silo's certificate carries (which makes a CA that issues for others safe to use).
/// The files are read once, at start (a rotated certificate takes effect when the silo restarts).
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string Section = PlatformClusterOptions.Section + ":Tls";

    /// <summary>Whether the silo port speaks (mutual) TLS; every silo of a cluster must agree.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file with this silo's certificate (first) and any intermediates; Kubernetes TLS Secrets call it <c>tls.crt</c>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file with the certificate's private key (<c>tls.key</c>); empty: the key is in <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM file with the CA certificates that issue the silos' certificates (<c>ca.crt</c>); empty: peers must present this silo's own certificate.</summary>
    public string? CaPath { get; set; }

    /// <summary>
    /// A DNS name every silo's certificate carries among its subject alternative names, and every peer's must (a leading
    /// <c>*.</c> matches one label): the cluster's identity when <see cref="CaPath"/> names a CA that also issues certificates
    /// for anything else. Without it, the CA itself must be the cluster's own (issuing silo certificates only). Empty: not checked.
    /// </summary>
    public string? PeerName { get; set; }

    /// <summary>
    /// The certificate and trust anchors, read and checked, or null when TLS is off. A setting that cannot work
    /// (a missing file, no certificate or key in it, a key of another certificate, a certificate that is not valid
    /// at <paramref name="now"/> or not usable for both client and server authentication, a CA that did not issue
    /// it) throws <see cref="HostConfigurationException"/> naming the key.
    /// </summary>
    public ClusterTls? Load(DateTimeOffset now)
    {
        if (!Enabled)
        {
            if (Set(CertificatePath) || Set(KeyPath) || Set(CaPath) || Set(PeerName))
                throw new HostConfigurationException($"{Section}:Enabled is false but {Section}:CertificatePath, KeyPath, CaPath or PeerName is set: " +
                    $"set {Section}:Enabled to true, or remove the paths");
            return null;
        }
        if (!Set(CertificatePath)) throw new HostConfigurationException($"{Section}:CertificatePath is required when {Section}:Enabled is true");
        var certificateText = Read(CertificatePath!, "CertificatePath");
        var chain = new X509Certificate2Collection();
        try { chain.ImportFromPem(certificateText); }
        catch (CryptographicException e) { throw Bad("CertificatePath", CertificatePath!, $"it holds no readable PEM certificate ({e.Message})"); }
        if (chain.Count == 0) throw Bad("CertificatePath", CertificatePath!, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");

        var (keyName, keyPath) = Set(KeyPath) ? ("KeyPath", KeyPath!) : ("CertificatePath", CertificatePath!);
        var keyText = Set(KeyPath) ? Read(KeyPath!, "KeyPath") : certificateText;
        X509Certificate2 certificate;
        try { certificate = X509Certificate2.CreateFromPem(certificateText, keyText); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw Bad(keyName, keyPath, $"no private key of the certificate at {Section}:CertificatePath could be read from it ({e.Message})");
        }

        if (now < certificate.NotBefore || now > certificate.NotAfter)
            throw Bad("CertificatePath", CertificatePath!, $"the certificate is valid from {certificate.NotBefore:u} to {certificate.NotAfter:u}, not now ({now:u})");
        if (!ClusterTls.AllowsBothAuthentications(certificate))
            throw Bad("CertificatePath", CertificatePath!, "the certificate's extended key usage must list both server " +
                $"({ClusterTls.ServerAuthentication}) and client ({ClusterTls.ClientAuthentication}) authentication: every silo is both, and peers require it");
        var peerName = Set(PeerName) ? PeerName!.Trim() : null;
        if (peerName is not null && !IsDnsPattern(peerName))
            throw new HostConfigurationException($"{Section}:PeerName must be a DNS name, or '*.' and one (got '{PeerName}')");
        if (peerName is not null && !ClusterTls.Carries(certificate, peerName))
            throw Bad("CertificatePath", CertificatePath!, $"the certificate does not carry {Section}:PeerName '{peerName}' among its DNS names, so peers would refuse this silo");

        X509Certificate2Collection? authorities = null;
        if (Set(CaPath))
        {
            authorities = [];
            try { authorities.ImportFromPem(Read(CaPath!, "CaPath")); }
            catch (CryptographicException e) { throw Bad("CaPath", CaPath!, $"it holds no readable PEM certificate ({e.Message})"); }
            if (authorities.Count == 0) throw Bad("CaPath", CaPath!, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        var tls = new ClusterTls(certificate, authorities, [.. chain.Skip(1)], peerName);
        if (authorities is not null && !tls.Accepts(certificate, now.UtcDateTime, out var why))
            throw Bad("CaPath", CaPath!, $"these CAs did not issue the certificate at {Section}:CertificatePath ({why}), so peers would refuse this silo");
        return tls;
    }

    /// <summary>A DNS name (letters, digits, hyphens, dots between labels), optionally after a leading <c>*.</c>.</summary>
    private static bool IsDnsPattern(string name)
    {
        var labels = (name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name).Split('.');
        return name.Length <= 253 && labels.All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && l[0] != '-' && l[^1] != '-');
    }

    private static bool Set(string? path) => !string.IsNullOrWhiteSpace(path);

    private static string Read(string path, string key)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw Bad(key, path, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message);
        }
    }

    private static HostConfigurationException Bad(string key, string path, string why) => new($"{Section}:{key} ('{path}'): {why}");
}
