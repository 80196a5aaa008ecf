using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.NoiseAware;

/// <summary>
/// Training examples for <see cref="NoiseAwareRanker"/>: x0-predictions [N, 1, 28, 28] in [-1, 1], the times they were taken
/// at [N], the requested classes [N] (int64), the trajectory each came from [N] (int64; examples of one trajectory share its
/// target), the targets [N] (the verifier's score of that trajectory's finished image), and the classifier's log-odds of
/// the requested class [N] and penultimate features [N, 256] on each x0-prediction (<see cref="NoiseAwareRanker.ClassifierInputs"/>).
/// </summary>
public sealed record NoiseAwareExamples(Tensor X0, Tensor Times, Tensor Labels, Tensor Trajectories, Tensor Targets, Tensor ClassifierLogOdds, Tensor ClassifierFeatures)
    : IDisposable
{
    public long Count => X0.shape[0];

    public NoiseAwareExamples Select(Tensor index) =>
        new(X0.index_select(0, index), Times.index_select(0, index), Labels.index_select(0, index), Trajectories.index_select(0, index),
            Targets.index_select(0, index), ClassifierLogOdds.index_select(0, index), ClassifierFeatures.index_select(0, index));

    public void Dispose()
    {
        X0.Dispose(); Times.Dispose(); Labels.Dispose(); Trajectories.Dispose(); Targets.Dispose(); ClassifierLogOdds.Dispose(); ClassifierFeatures.Dispose();
    }
}
