using GenerationPlatform.Evaluation;
using GenerationPlatform.Search;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Onnx;

namespace GenerationPlatform.Research.Scaling;

/// <summary>Checks eval's series against what exists before anything runs: their verifiers in the catalog, their algorithms and adaptive budgets.</summary>
internal static class EvalSeriesCheck
{
    public static void Check(IEnumerable<ScalingSeries> curves, VerifierCatalog catalog)
    {
        foreach (var c in curves.Where(c => c.Verifier is not null))
        {
            if ((c.TargetScore is not null || c.Patience is not null) && !SearchRequest.StoppableAlgorithms.Contains(AlgorithmCatalog.NameOf(c.Algorithm)))
                throw new CliArgumentException("--series: an adaptive budget (@target, @patience) applies to "
                    + $"{string.Join(" and ", SearchRequest.StoppableAlgorithms)}, not '{c.Algorithm}'");
            try { catalog.Get(c.Verifier!); }
            catch (UnknownVerifierException e) { throw new CliArgumentException($"--series: {e.Message}"); }
            catch (OnnxContractException e) { throw new CliArgumentException($"{OnnxVerifierOption.Name}: {e.Message}"); }
            if (c.Algorithm != "steps")
            {
                try { AlgorithmCatalog.Create(c.Algorithm); }
                catch (ArgumentException e) { throw new CliArgumentException($"--series: {e.Message} (or steps)"); }
            }
        }
    }
}
