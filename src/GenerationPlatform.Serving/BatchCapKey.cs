using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace GenerationPlatform.Serving;

/// <summary>
/// What a measured batch cap holds for: a model (its name and the SHA-256 of its files) on a machine (processor, cores, and
/// the backend, device and threads that run the network). A cap remembered under another key is not used.
/// </summary>
public sealed record BatchCapKey(string Model, string ModelDigest, string Machine)
{
    /// <summary>The machine part of a key: this processor's name and core count, and where and how the network runs.</summary>
    public static string ThisMachine(string backend, string device, int threads) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{ProcessorName()}; {Environment.ProcessorCount} cores; {backend} on {device}; threads {(threads > 0 ? threads.ToString() : "default")}");

    /// <summary>The SHA-256 of <paramref name="files"/>' contents, in order (a model's manifest and weights).</summary>
    public static string DigestOf(IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var file in files)
        {
            using var stream = File.OpenRead(file);
            int n;
            while ((n = stream.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The file of this model on this machine: the model's name and a digest of both (a new version of the model replaces it).</summary>
    public string FileName => $"{Model}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Model}\n{Machine}")))[..16]}.json";

    private static string ProcessorName()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (OperatingSystem.IsLinux() && File.Exists(cpuinfo))
            foreach (var line in File.ReadLines(cpuinfo))
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is >= 0 and var colon)
                    return line[(colon + 1)..].Trim();
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
