using System.Globalization;
using System.Text.Json;

namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// The declared contract of an operator's ONNX verifier: configuration section
/// <c>GenerationPlatform:Verifiers:Onnx:{NAME}</c> in the silo, or a JSON file of the same keys for the
/// CLI (<c>--onnx-verifier NAME=file.json</c>). Checked against the model's metadata at load.
/// </summary>
public sealed class OnnxVerifierSpec
{
    /// <summary>The .onnx file; a relative path is resolved against <see cref="BaseDirectory"/>.</summary>
    public string Path { get; set; } = "";

    /// <summary>Name of the image input, a float tensor [N, Channels, ImageSize, ImageSize].</summary>
    public string Input { get; set; } = "";

    /// <summary>Side of the square image the model takes; the 28x28 image is resized bilinearly.</summary>
    public int ImageSize { get; set; } = 28;

    /// <summary>1 (gray) or 3 (the gray image replicated).</summary>
    public int Channels { get; set; } = 1;

    /// <summary>[low, high]: pixel values the model expects, before normalization (default [-1, 1], our images' own range).</summary>
    public float[]? Range { get; set; }

    /// <summary>Per channel (or one value for all): subtracted after the range mapping.</summary>
    public float[]? Mean { get; set; }

    /// <summary>Per channel (or one value for all): divides after subtracting <see cref="Mean"/>.</summary>
    public float[]? Std { get; set; }

    /// <summary>Name of an int64 input [N] (or [N, 1]) that receives the requested class; omit for unconditional models.</summary>
    public string? ClassInput { get; set; }

    /// <summary>Name of the float output read for the score.</summary>
    public string Output { get; set; } = "";

    /// <summary>One of <see cref="OnnxScoreKinds.All"/>.</summary>
    public string Score { get; set; } = OnnxScoreKinds.Scalar;

    /// <summary>
    /// FLOPs (2 per multiply-add) to score one image: required, since the platform charges a job's verifier compute in
    /// NFE-equivalents of its model and refuses jobs whose verification would cost more than it allows.
    /// </summary>
    public double FlopsPerImage { get; set; }

    /// <summary>Most images per ONNX Runtime call when the batch dimension is symbolic.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>Where a relative <see cref="Path"/> is resolved from (the JSON file's folder for the CLI; the working directory when unset).</summary>
    public string? BaseDirectory { get; set; }

    public string ResolvedPath => System.IO.Path.GetFullPath(Path, BaseDirectory ?? Directory.GetCurrentDirectory());

    /// <summary>The low and high end of <see cref="Range"/>.</summary>
    public (float Low, float High) ValueRange => Range is { Length: 2 } r ? (r[0], r[1]) : (-1f, 1f);

    /// <summary>Problems found without opening the model, each naming its key; empty when none.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Path)) problems.Add("Path: required (the .onnx file)");
        if (string.IsNullOrWhiteSpace(Input)) problems.Add("Input: required (the image input's name)");
        if (string.IsNullOrWhiteSpace(Output)) problems.Add("Output: required (the output's name)");
        if (ImageSize is < 1 or > 4096) problems.Add($"ImageSize: {ImageSize} is not between 1 and 4096");
        if (Channels is not (1 or 3)) problems.Add($"Channels: {Channels} is not 1 or 3");
        if (Range is not null && (Range.Length != 2 || !(Range[0] < Range[1]) || !float.IsFinite(Range[0]) || !float.IsFinite(Range[1])))
            problems.Add($"Range: expected [low, high] with low < high, found [{Join(Range)}]");
        if (Mean is not null && Mean.Length != 1 && Mean.Length != Channels)
            problems.Add($"Mean: expected 1 or {Channels} (Channels) values, found {Mean.Length}");
        if (Std is not null && Std.Length != 1 && Std.Length != Channels)
            problems.Add($"Std: expected 1 or {Channels} (Channels) values, found {Std.Length}");
        if (Std is not null && Std.Any(s => !(s > 0) || !float.IsFinite(s)))
            problems.Add($"Std: every value must be positive, found [{Join(Std)}]");
        if (!OnnxScoreKinds.All.Contains(Score)) problems.Add($"Score: '{Score}' is not one of {string.Join(", ", OnnxScoreKinds.All)}");
        if (MaxBatch < 1) problems.Add($"MaxBatch: {MaxBatch} is not positive");
        if (!(FlopsPerImage > 0 && FlopsPerImage <= 1e15))
            problems.Add(FlopsPerImage == 0
                ? "FlopsPerImage: required: the FLOPs (2 per multiply-add) to score one image, so that its compute can be charged"
                : $"FlopsPerImage: {FlopsPerImage} is not between 0 and 1e15");
        if (ClassInput is not null && ClassInput == Input) problems.Add($"ClassInput: '{ClassInput}' is also the image Input");
        return problems;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
    };

    /// <summary>Reads a spec from a JSON file; a relative Path is resolved against the file's folder.</summary>
    public static OnnxVerifierSpec FromJsonFile(string file)
    {
        OnnxVerifierSpec spec;
        try
        {
            spec = JsonSerializer.Deserialize<OnnxVerifierSpec>(File.ReadAllText(file), JsonOptions)
                ?? throw new InvalidDataException($"{file}: the JSON is null, expected an object with Path, Input, Output, ...");
        }
        catch (JsonException e) { throw new InvalidDataException($"{file}: not a valid ONNX verifier spec: {e.Message}", e); }
        spec.BaseDirectory ??= System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file));
        return spec;
    }

    private static string Join(IEnumerable<float> values) => string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
