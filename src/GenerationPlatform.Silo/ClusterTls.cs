using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace GenerationPlatform.Silo;

/// <summary>A loaded silo certificate and what a peer must present (<see cref="ClusterTlsOptions"/>).</summary>
public sealed class ClusterTls
{
    private readonly X509Certificate2Collection? authorities;
    private readonly X509Certificate2Collection intermediates;

    internal ClusterTls(X509Certificate2 certificate, X509Certificate2Collection? authorities, X509Certificate2Collection intermediates, string? peerName)
    {
        Certificate = certificate;
        this.authorities = authorities;
        this.intermediates = intermediates;
        PeerName = peerName;
    }

    /// <summary>The DNS name (or <c>*.</c> pattern) every peer's certificate must carry among its DNS SANs; null: not checked.</summary>
    public string? PeerName { get; }

    /// <summary>This silo's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Whether peers are checked against CAs (else they must present <see cref="Certificate"/> itself).</summary>
    public bool ChecksIssuer => authorities is not null;

    /// <summary>Mutual TLS on the silo port, both ways: a silo sends its certificate when it connects and requires the peer's when it accepts.</summary>
    public void Configure(TlsOptions options)
    {
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Replaces the platform's validation (system roots and host names, which mean nothing between pod IPs) with ours.
        options.RemoteCertificateValidation = (peer, _, _) => Accepts(peer, DateTime.UtcNow, out _);
    }

    /// <summary>
    /// Whether a peer presenting <paramref name="peer"/> is a silo of this cluster: its extended key usage lists both server and
    /// client authentication (every silo is both), it carries <see cref="PeerName"/> when one is configured, and it is this
    /// silo's own certificate (no CA configured) or one the configured CAs issued.
    /// </summary>
    public bool Accepts(X509Certificate2 peer, DateTime utcNow, out string why)
    {
        if (!AllowsBothAuthentications(peer))
        {
            why = "its extended key usage does not list both server and client authentication";
            return false;
        }
        if (PeerName is { } name && !Carries(peer, name))
        {
            why = $"it does not carry the DNS name '{name}' (its DNS names: {string.Join(", ", DnsNames(peer).DefaultIfEmpty("none"))})";
            return false;
        }
        if (authorities is null)
        {
            var same = peer.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span);
            var current = utcNow >= peer.NotBefore.ToUniversalTime() && utcNow <= peer.NotAfter.ToUniversalTime();
            why = !same ? $"not the cluster's certificate (thumbprint {peer.Thumbprint})" : !current ? "expired or not yet valid" : "";
            return same && current;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = utcNow;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        var built = chain.Build(peer);
        why = built ? "" : string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        return built;
    }

    internal const string ServerAuthentication = "1.3.6.1.5.5.7.3.1", ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// Whether the certificate's extended key usage lists both server and client authentication. It must be there: a
    /// certificate without one would be good for anything, such as a CA's certificate for another service.
    /// </summary>
    internal static bool AllowsBothAuthentications(X509Certificate2 certificate)
    {
        var oids = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SelectMany(u => u.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Select(o => o.Value).ToHashSet(StringComparer.Ordinal);
        return oids.Contains(ServerAuthentication) && oids.Contains(ClientAuthentication);
    }

    /// <summary>Whether one of the certificate's DNS SANs is <paramref name="pattern"/>, or one label under a <c>*.</c> pattern (ignoring case).</summary>
    internal static bool Carries(X509Certificate2 certificate, string pattern) => DnsNames(certificate).Any(dns =>
        string.Equals(dns, pattern, StringComparison.OrdinalIgnoreCase)
        || pattern.StartsWith("*.", StringComparison.Ordinal) && dns.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase)
            && dns.Length > pattern.Length - 1 && !dns[..^(pattern.Length - 1)].Contains('.', StringComparison.Ordinal)
            && !dns.StartsWith("*", StringComparison.Ordinal));

    private static IEnumerable<string> DnsNames(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(san => san.EnumerateDnsNames());
}
