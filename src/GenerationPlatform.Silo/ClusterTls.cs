using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace GenerationPlatform.Silo;

/// <summary>A loaded silo certificate and what a peer must present (<see cref="ClusterTlsOptions"/>).</summary>
public sealed class ClusterTls
{
    private readonly X509Certificate2Collection? authorities;
    private readonly X509Certificate2Collection intermediates;

    internal ClusterTls(X509Certificate2 certificate, X509Certificate2Collection? authorities, X509Certificate2Collection intermediates)
    {
        Certificate = certificate;
        this.authorities = authorities;
        this.intermediates = intermediates;
    }

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

    /// <summary>Whether a peer presenting <paramref name="peer"/> is a silo of this cluster.</summary>
    public bool Accepts(X509Certificate2 peer, DateTime utcNow, out string why)
    {
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
}
