using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenerationPlatform.Contracts;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// The simulated backend's call time for <c>cluster --simulated</c>: t(b) = t0 + b x t1, and the model folder it writes for
/// the denoiser silos: the shipped model's manifest (shape, classes, defaults, FLOPs) with the simulated backend.
/// </summary>
internal sealed record SimulatedGpu(double T0Ms, double T1Ms)
{
    public const string ModelName = "simulated-gpu";

    /// <summary>
    /// Given, not measured (docs/results/gpu/ holds no GPU run yet): a call costs 40 ms plus 16 ms a row, about 54 rows a
    /// second at batch 16: the order of a large latent U-Net on one data-centre GPU, and slow enough that this 2-core
    /// machine's API silo can feed eight of them (docs/SCALING-OUT.md).
    /// </summary>
    public static SimulatedGpu Given { get; } = new(40, 16);

    public string Source => this == Given
        ? "given (docs/SCALING-OUT.md): 40 ms + 16 ms a row, no GPU run recorded yet"
        : string.Create(CultureInfo.InvariantCulture, $"given on the command line: {T0Ms} ms + {T1Ms} ms a row");

    /// <summary>Writes the model folder under <paramref name="parent"/> and returns its path.</summary>
    public string WriteModelFolder(string parent)
    {
        var folder = Directory.CreateDirectory(Path.Combine(parent, ModelName)).FullName;
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(ModelOptions.ShippedModelsDirectory, "velocity-unet-onnx", "model.json")))!.AsObject();
        manifest["name"] = ModelName;
        manifest["description"] = $"The shipped class model's shape and FLOPs on a simulated GPU ({Source}): a capacity-planning stand-in, not a model.";
        manifest["backend"] = "simulated";
        manifest["weights"] = "timing.json";
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var timing = new JsonObject { ["t0_ms"] = T0Ms, ["t1_ms"] = T1Ms, ["source"] = Source };
        File.WriteAllText(Path.Combine(folder, "timing.json"), timing.ToJsonString());
        return folder;
    }
}
