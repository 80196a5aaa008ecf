using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Tools;

/// <summary>Reading and checking option values; a bad one is a <see cref="CliArgumentException"/> that names its option.</summary>
public static class CliParsing
{
    public static int Positive(int value, string name) =>
        value > 0 ? value : throw new CliArgumentException($"{name} must be greater than 0 (got {value})");

    public static double InRange(double value, string name, double min, double max) =>
        value >= min && value <= max ? value : throw new CliArgumentException($"{name} must be between {min} and {max} (got {value})");

    public static int InRange(int value, string name, int min, int max) =>
        value >= min && value <= max ? value : throw new CliArgumentException($"{name} must be between {min} and {max} (got {value})");

    /// <summary>A sampler by name: euler, heun, or stochastic (sde).</summary>
    public static SamplerKind Sampler(string text) => text.Trim().ToLowerInvariant() switch
    {
        "euler" => SamplerKind.Euler,
        "heun" => SamplerKind.Heun,
        "stochastic" or "sde" => SamplerKind.Stochastic,
        _ => throw new CliArgumentException($"--sampler: unknown sampler '{text}'; use euler, heun or stochastic"),
    };

    public static int[] IntList(string text, string name, int count)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != count || !parts.All(s => int.TryParse(s, out var v) && v > 0))
            throw new CliArgumentException($"{name} must be {count} positive integers separated by commas (got '{text}')");
        return parts.Select(int.Parse).ToArray();
    }

    /// <summary>Checks up front that a file can be created, so no work is done for nothing.</summary>
    public static void EnsureWritable(string path, string name)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full)) throw new CliArgumentException($"{name}: '{path}' is a directory, expected a file path");
            var dir = Path.GetDirectoryName(full)!;
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".genplat-write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CliArgumentException($"{name}: cannot write '{path}': {e.Message}");
        }
    }
}
