using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Models;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Tools;

/// <summary>
/// The model a command runs, named by <c>--model</c>: a model folder (a model.json manifest and its weights), a
/// manifest file, the name of a shipped model (Models/ next to the application), or a bare safetensors file of our
/// velocity network (classes named as Fashion-MNIST's when it has ten). Default: the shipped class model (the research
/// commands' reference, on TorchSharp); the user's commands default to <see cref="FastestName"/>.
/// </summary>
public sealed class CliModel : IDisposable
{
    public const string DefaultName = "velocity-unet";

    /// <summary>
    /// The default of <c>genplat generate</c>, <c>search</c> and a tenant's calls: the shipped class model on the faster backend of
    /// a CPU, its ONNX export on ONNX Runtime (the same weights and, seed for seed, the same pixels within 1/255 as <see cref="DefaultName"/>).
    /// </summary>
    public const string FastestName = "velocity-unet-onnx";

    /// <summary>The classifier-free guidance scale the commands use unless told otherwise.</summary>
    public const double DefaultGuidance = 1.5;

    private readonly IDisposable owned;

    private CliModel(string name, string source, IVelocityNetwork network, ImageShape imageShape, IImageRenderer? renderer, IDisposable owned, ModelDescription description)
    {
        Description = description;
        Name = name;
        Source = source;
        Network = network;
        Field = new GuidedVelocityField(network);
        ImageShape = imageShape;
        Renderer = renderer;
        this.owned = owned;
    }

    public string Name { get; }

    /// <summary>The model as a request sees it: shapes, conditioning, its defaults and its FLOPs per NFE.</summary>
    public ModelDescription Description { get; }

    /// <summary>Where it was loaded from (a full path).</summary>
    public string Source { get; }

    public IVelocityNetwork Network { get; }
    public GuidedVelocityField Field { get; }

    /// <summary>The shape the denoiser works on.</summary>
    public ImageShape Shape => Network.Shape;

    /// <summary>The shape of the images it produces.</summary>
    public ImageShape ImageShape { get; }

    public Conditioning Conditioning => Network.Conditioning;

    /// <summary>Decodes or rescales final states (latent models, other ranges); null when states are images.</summary>
    public IImageRenderer? Renderer { get; }

    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, "Models");

    public static CliModel Open(string? model, string option = "--model", string device = "cpu")
    {
        var given = string.IsNullOrWhiteSpace(model) ? DefaultName : model.Trim();
        string path = Directory.Exists(given) || File.Exists(given) ? Path.GetFullPath(given)
            : Path.Combine(ShippedDirectory, given) is var shipped && Directory.Exists(shipped) ? shipped
            : throw new CliArgumentException(
                $"{option}: '{given}' is neither a model folder, a manifest, a .safetensors file nor a shipped model ({string.Join(", ", Shipped())})");
        try
        {
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            {
                var unet = VelocityModelFile.Load(path);
                var names = unet.Config.IsText ? null
                    : unet.Config.Classes == FashionMnist.ClassCount ? FashionMnist.Conditioning
                    : Conditioning.ForClasses(Enumerable.Range(0, unet.Config.Classes).Select(i => $"{i}").ToArray());
                var net = new TorchVelocityNetwork(unet, names);
                var name = Path.GetFileNameWithoutExtension(path);
                return new CliModel(name, path, net, net.Shape, null, net,
                    new ModelDescription(name, "a velocity network file", net.Backend, net.Shape, net.Shape, net.Conditioning, ForwardFlops: net.ForwardFlops));
            }
            var loaded = LoadedModel.Load(path, new ModelLoadSettings(device));
            return new CliModel(loaded.Name, loaded.Manifest.Folder, loaded.Network, loaded.ImageShape, loaded.NeedsRendering ? loaded : null, loaded,
                loaded.Manifest.Describe() with { Backend = loaded.Network.Backend, ForwardFlops = loaded.Network.ForwardFlops });
        }
        catch (ModelLoadException e) { throw new CliArgumentException($"{option}: {path}: {e.Message}"); }
        catch (Diffusion.Checkpoints.CheckpointException e) { throw new CliArgumentException($"{option}: {e.Message}"); }
    }

    /// <summary>The shipped models' names.</summary>
    public static IEnumerable<string> Shipped() =>
        Directory.Exists(ShippedDirectory) ? Directory.EnumerateDirectories(ShippedDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal) : [];

    /// <summary>
    /// The condition a command asks for: a class of a class model (label, no embedding) or a prompt of a text model
    /// (label -1, its embedding from the model's text encoder). Exactly one of the two must be given, the one the model takes.
    /// </summary>
    public (int Label, string? Prompt, float[]? Embedding) Condition(string? classText, string? prompt)
    {
        bool hasClass = !string.IsNullOrWhiteSpace(classText), hasPrompt = !string.IsNullOrWhiteSpace(prompt);
        if (hasClass && hasPrompt) throw new CliArgumentException("--prompt: give --class or --prompt, not both");
        if (!Conditioning.IsText)
        {
            if (hasPrompt) throw new CliArgumentException($"--prompt: model '{Name}' is conditioned on classes; give --class");
            if (!hasClass) throw new CliArgumentException($"--class: required for model '{Name}' (one of: {string.Join(", ", Conditioning.ClassNames.Take(20))})");
            return (ParseClass(classText), null, null);
        }
        if (hasClass) throw new CliArgumentException($"--class: model '{Name}' is conditioned on text; give --prompt");
        if (!hasPrompt) throw new CliArgumentException($"--prompt: required for model '{Name}' (a text model)");
        if (GenerationPlatform.Core.Text.PromptRules.Problem(prompt!) is { } problem) throw new CliArgumentException($"--prompt: {problem}");
        var text = prompt!.Trim();
        return (-1, text, Embed(text));
    }

    /// <summary>A prompt's embedding by the model's text encoder.</summary>
    public float[] Embed(string prompt)
    {
        using var encoder = Text.TextEncoders.Create(Conditioning.TextEncoder!);
        var embedding = encoder.Encode([prompt])[0];
        if (embedding.Length != Conditioning.EmbeddingSize)
            throw new CliArgumentException($"--model: its text encoder gives {embedding.Length}-d embeddings but the network takes {Conditioning.EmbeddingSize}");
        return embedding;
    }

    /// <summary>The class index a class option names, for a class model.</summary>
    public int ParseClass(string? text, string option = "--class")
    {
        if (Conditioning.IsText) throw new CliArgumentException($"{option}: model '{Name}' is conditioned on text; give --prompt instead");
        var names = Conditioning.ClassNames;
        return text is not null && Conditioning.ParseClass(text) is { } label ? label
            : throw new CliArgumentException($"{option}: unknown class '{text}'; use 0-{names.Count - 1} or one of: {string.Join(", ", names.Take(20))}");
    }

    /// <summary>A final state as an image (rendered when the model needs it).</summary>
    public float[] Image(ReadOnlySpan<float> state) => Renderer?.Render(state, 1) ?? state.ToArray();

    public void Dispose() => owned.Dispose();
}
