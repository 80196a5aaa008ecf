using System.CommandLine;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Tools;

/// <summary>
/// `--onnx-verifier NAME=spec.json` (repeatable) registers `onnx:NAME` for this run. The JSON object has
/// the keys of the silo's configuration section GenerationPlatform:Verifiers:Onnx:{NAME} (Path, Input,
/// ImageSize, Channels, Range, Mean, Std, ClassInput, Output, Score, MaxBatch); a relative Path is
/// resolved against the JSON file's folder.
/// </summary>
public static class OnnxVerifierOption
{
    public const string Name = "--onnx-verifier";

    public static Option<string[]> Create() => new(Name)
    {
        Description = "register onnx:NAME for this run: NAME=spec.json (keys Path, Input, Output, Score, ImageSize, Channels, Range, Mean, Std, ClassInput; see docs); repeatable",
    };

    public static Dictionary<string, OnnxVerifierSpec> Parse(IEnumerable<string>? values)
    {
        var registry = new OnnxVerifierRegistry();
        foreach (var value in values ?? [])
        {
            var parts = value.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new CliArgumentException($"{Name}: '{value}' is not NAME=spec.json");
            if (registry.Onnx.ContainsKey(parts[0])) throw new CliArgumentException($"{Name}: '{parts[0]}' is registered twice");
            if (!File.Exists(parts[1])) throw new CliArgumentException($"{Name}: {parts[0]}: spec file not found: {parts[1]}");
            try { registry.Onnx[parts[0]] = OnnxVerifierSpec.FromJsonFile(parts[1]); }
            catch (InvalidDataException e) { throw new CliArgumentException($"{Name}: {parts[0]}: {e.Message}"); }
        }
        var problems = registry.Problems();
        if (problems.Count > 0)
            throw new CliArgumentException($"{Name}: {string.Join("; ", problems.Select(p => p.Replace(OnnxVerifierRegistry.Section + ":Onnx:", "", StringComparison.Ordinal)))}");
        return registry.Onnx;
    }
}
