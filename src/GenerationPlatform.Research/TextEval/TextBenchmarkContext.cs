using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Research.TextEval;

/// <summary>What every series of one eval-text run shares: the model, the verifiers and the judge, the prompts with their embeddings, one sample's NFE.</summary>
internal sealed record TextBenchmarkContext(EvalTextSettings Settings, CliModel Net, VerifierCatalog Catalog, TextBenchmarkGrader Grader, IImageVerifier Align,
    BenchmarkPrompt[] Prompts, float[][] Embeddings, int SampleNfe);
