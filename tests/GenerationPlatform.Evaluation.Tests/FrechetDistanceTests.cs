using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation.Tests;

public sealed class FrechetDistanceTests
{
    [Fact]
    public void IdenticalGaussiansAreAtZero()
    {
        random.manual_seed(1);
        using var a = randn(500, 16, dtype: ScalarType.Float64);
        var (m, c) = FeatureStatistics.Moments(a);
        Assert.Equal(0, FrechetDistance.Compute(m, c, m, c), 6);
    }

    [Fact]
    public void DiagonalCaseMatchesTheClosedForm()
    {
        // For diagonal covariances FD = |mu1 - mu2|^2 + sum (s1 - s2)^2.
        using var m1 = tensor(new double[] { 0, 1, 2 });
        using var m2 = tensor(new double[] { 1, 1, 0 });
        using var c1 = diag(tensor(new double[] { 1, 4, 9 }));
        using var c2 = diag(tensor(new double[] { 4, 4, 1 }));
        double expected = (1 + 0 + 4) + (1 + 0 + 4);
        Assert.Equal(expected, FrechetDistance.Compute(m1, c1, m2, c2), 9);
    }

    [Fact]
    public void RotatedCovarianceMatchesTheTwoByTwoFormula()
    {
        // S1 = I, S2 = R diag(4, 1) R^T: tr sqrt(S1 S2) = 2 + 1, so FD = 2 + 5 - 6 = 1.
        double th = 0.3, co = Math.Cos(th), si = Math.Sin(th);
        using var r = tensor(new[] { co, -si, si, co }, [2, 2]);
        using var s2 = r.matmul(diag(tensor(new double[] { 4, 1 }))).matmul(r.t());
        using var zero = zeros(2, dtype: ScalarType.Float64);
        Assert.Equal(1.0, FrechetDistance.Compute(zero, eye(2, dtype: ScalarType.Float64), zero, s2), 9);
    }

    [Fact]
    public void MomentsAreUnbiased()
    {
        using var x = tensor(new double[] { 1, 2, 3, 5 }, [4, 1]);
        var (m, c) = FeatureStatistics.Moments(x);
        Assert.Equal(2.75, m.item<double>(), 9);
        Assert.Equal(2.9166666666666665, c.item<double>(), 9);
    }
}

public sealed class SampleMetricsTests
{
    [Fact]
    public void InceptionScoreSpansOneToClassCount()
    {
        using var confidentSpread = eye(10, dtype: ScalarType.Float64).repeat(5, 1); // sure and diverse
        Assert.Equal(10, SampleMetrics.InceptionScore(confidentSpread), 6);
        using var uniform = full(50, 10, 0.1, dtype: ScalarType.Float64);            // unsure
        Assert.Equal(1, SampleMetrics.InceptionScore(uniform), 6);
        using var collapsed = zeros(50, 10, dtype: ScalarType.Float64);
        collapsed[TensorIndex.Colon, 3] = tensor(1.0);                               // sure but one class
        Assert.Equal(1, SampleMetrics.InceptionScore(collapsed), 6);
    }

    [Fact]
    public void PrecisionAndRecallSeparateFidelityFromCoverage()
    {
        random.manual_seed(2);
        using var real = randn(600, 4);
        using var same = randn(600, 4);
        var (p, r) = SampleMetrics.PrecisionRecall(real, same);
        Assert.InRange(p, 0.85, 1.0);
        Assert.InRange(r, 0.85, 1.0);
        // A generator that only covers a small region: precise, poor recall.
        using var narrow = randn(600, 4) * 0.2f;
        var (pn, rn) = SampleMetrics.PrecisionRecall(real, narrow);
        Assert.True(pn > 0.95, $"precision {pn}");
        Assert.True(rn < 0.3, $"recall {rn}");
        // A generator off the data: neither.
        using var off = randn(600, 4) + 10f;
        var (po, ro) = SampleMetrics.PrecisionRecall(real, off);
        Assert.True(po < 0.05 && ro < 0.05);
    }
}
