using System.Text.Json;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// A simulated backend's timing file (the manifest's <c>weights</c>, JSON): a call of b rows takes <c>t0_ms + b x t1_ms</c>
/// milliseconds, and <c>source</c> says where those figures come from (a measured GPU run, or given). docs/MODELS.md.
/// </summary>
public sealed record SimulatedTiming(double T0Milliseconds, double T1Milliseconds, string Source)
{
    /// <summary>The longest either term may be: ten seconds.</summary>
    public const double MaxMilliseconds = 10_000;

    /// <summary>The longest one call waits, whatever its rows: a minute (the sleeping thread does not see cancellation).</summary>
    public static readonly TimeSpan MaxCallTime = TimeSpan.FromMinutes(1);

    /// <summary>How long a call of <paramref name="rows"/> rows takes, at most <see cref="MaxCallTime"/>.</summary>
    public TimeSpan CallTime(int rows)
    {
        double ms = T0Milliseconds + Math.Max(0, rows) * T1Milliseconds;
        return ms >= MaxCallTime.TotalMilliseconds ? MaxCallTime : TimeSpan.FromMilliseconds(ms);
    }

    public static SimulatedTiming Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (IOException e) { throw new ModelLoadException("weights", $"cannot read the timing file {path}: {e.Message}"); }
        return Parse(json);
    }

    /// <summary>Strict: exactly the three fields, each of its type and range; a problem names the field.</summary>
    public static SimulatedTiming Parse(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ModelLoadException("weights", $"the timing file is not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelLoadException("weights", "the timing file must be a JSON object {t0_ms, t1_ms, source}");
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("t0_ms" or "t1_ms" or "source")) throw new ModelLoadException($"weights.{p.Name}", "not a field of a timing file (t0_ms, t1_ms, source)");
            return new SimulatedTiming(Milliseconds(root, "t0_ms"), Milliseconds(root, "t1_ms"),
                root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 and <= 500 } source
                    ? source : throw new ModelLoadException("weights.source", "required: where the timing comes from (a measured run, or given), 1 to 500 characters"));
        }
    }

    private static double Milliseconds(JsonElement root, string field) =>
        root.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() is var ms && ms >= 0 && ms <= MaxMilliseconds
            ? ms : throw new ModelLoadException($"weights.{field}", $"required: milliseconds, from 0 to {MaxMilliseconds}");
}
