using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>A classifier as the metrics see it: penultimate features and class probabilities of images [N, 1, 28, 28].</summary>
public sealed record MetricsClassifier(string Name, Func<Tensor, Tensor> Features, Func<Tensor, Tensor> Probabilities)
{
    /// <summary>The evaluation classifier, which no verifier uses: the headline metrics.</summary>
    public static MetricsClassifier Evaluation(EvaluationClassifier model) =>
        new("evaluation", x => EvaluationClassifierTrainer.Features(model, x), x => EvaluationClassifierTrainer.Probabilities(model, x));

    /// <summary>The verifiers' CNN (<c>classifier</c>, <c>class-gaussian</c>): the metrics as measured before issue 13, kept for comparison.</summary>
    public static MetricsClassifier VerifierCnn(FashionClassifier model) =>
        new("verifier-cnn", x => ClassifierTrainer.Features(model, x), x =>
        {
            model.eval();
            using var _ = no_grad();
            var parts = new List<Tensor>();
            for (long i = 0; i < x.shape[0]; i += 1000)
                using (var logits = model.forward(x.narrow(0, i, Math.Min(1000, x.shape[0] - i))))
                    parts.Add(nn.functional.softmax(logits, 1));
            var all = cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return all;
        });
}
