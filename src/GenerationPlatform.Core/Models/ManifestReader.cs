using System.Globalization;
using System.Text.Json;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Models;

/// <summary>
/// Strict reading of one JSON object of a manifest: every field is taken by name at most once, with its
/// JSON path ("prediction.schedule.alphas_cumprod[3]") in every error, and <see cref="End"/> refuses the
/// fields nobody took (unknown fields are errors, so a typo is never silently ignored).
/// </summary>
internal sealed class ManifestReader
{
    private readonly JsonElement element;
    private readonly HashSet<string> taken = new(StringComparer.Ordinal);

    private ManifestReader(JsonElement element, string path)
    {
        this.element = element;
        Path = path;
    }

    /// <summary>The JSON path of this object ("" for the root).</summary>
    public string Path { get; }

    public static ManifestReader Object(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Error(path, $"must be an object (got {Describe(element)})");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in element.EnumerateObject())
            if (!seen.Add(p.Name)) throw Error(Child(path, p.Name), "appears twice");
        return new ManifestReader(element, path);
    }

    public static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public string PathOf(string name) => Child(Path, name);

    public static ModelLoadException Error(string path, string message) => new(path.Length == 0 ? "(manifest)" : path, message);

    public bool Has(string name) => element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public JsonElement Required(string name)
    {
        taken.Add(name);
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) throw Error(PathOf(name), "is required");
        return value;
    }

    public JsonElement? Optional(string name)
    {
        taken.Add(name);
        return element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public ManifestReader RequiredObject(string name) => Object(Required(name), PathOf(name));

    public ManifestReader? OptionalObject(string name) => Optional(name) is { } v ? Object(v, PathOf(name)) : null;

    public string String(string name) => AsString(Required(name), PathOf(name));

    public string? OptionalString(string name) => Optional(name) is { } v ? AsString(v, PathOf(name)) : null;

    public int Int(string name, int min, int max) => AsInt(Required(name), PathOf(name), min, max);

    public double Number(string name, double min, double max) => AsNumber(Required(name), PathOf(name), min, max);

    public double OptionalNumber(string name, double fallback, double min, double max) =>
        Optional(name) is { } v ? AsNumber(v, PathOf(name), min, max) : fallback;

    /// <summary>Refuses the fields no one asked for.</summary>
    public void End()
    {
        foreach (var p in element.EnumerateObject())
            if (!taken.Contains(p.Name))
                throw Error(PathOf(p.Name), $"is not a known field{(taken.Count > 0 ? $" here (known: {string.Join(", ", taken.Order(StringComparer.Ordinal))})" : "")}");
    }

    public static string AsString(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(path, $"must be a string (got {Describe(value)})");

    public static int AsInt(JsonElement value, string path, int min, int max)
    {
        if (value.ValueKind != JsonValueKind.Number) throw Error(path, $"must be an integer (got {Describe(value)})");
        if (!value.TryGetInt64(out var i)) throw Error(path, $"must be an integer (got {value.GetRawText()})");
        if (i < min || i > max) throw Error(path, $"must be between {min} and {max} (got {i})");
        return (int)i;
    }

    public static double AsNumber(JsonElement value, string path, double min, double max)
    {
        if (value.ValueKind != JsonValueKind.Number) throw Error(path, $"must be a number (got {Describe(value)})");
        var d = value.GetDouble();
        if (!double.IsFinite(d) || d < min || d > max)
            throw Error(path, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} (got {value.GetRawText()})");
        return d;
    }

    public static IReadOnlyList<JsonElement> AsArray(JsonElement value, string path, int minCount, int maxCount)
    {
        if (value.ValueKind != JsonValueKind.Array) throw Error(path, $"must be an array (got {Describe(value)})");
        int n = value.GetArrayLength();
        if (n < minCount || n > maxCount) throw Error(path, $"must have between {minCount} and {maxCount} entries (got {n})");
        return [.. value.EnumerateArray()];
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        _ => "null",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
