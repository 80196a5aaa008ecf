using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli;

/// <summary>What a local search may name: the one model the command opened and the verifiers this process can build.</summary>
internal sealed class LocalJobCatalog(ModelDescription model, IReadOnlyDictionary<string, OnnxVerifierSpec> onnx) : ISearchJobCatalog
{
    public IReadOnlyList<string> ModelNames => [model.Name];

    public ModelDescription? Model(string name) => name == model.Name ? model : null;

    public IReadOnlyList<VerifierDescription> Verifiers { get; } = new ServedVerifiers(new OnnxVerifierRegistry
    {
        Onnx = new Dictionary<string, OnnxVerifierSpec>(onnx, StringComparer.OrdinalIgnoreCase),
    }).Verifiers;
}
