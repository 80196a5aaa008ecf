using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// Fréchet distance between two Gaussians fitted to feature sets (FID when the features are an
/// image classifier's): |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2), in float64.
/// </summary>
public static class FrechetDistance
{
    public static double Compute(Tensor mean1, Tensor cov1, Tensor mean2, Tensor cov2)
    {
        using var scope = NewDisposeScope();
        var m1 = mean1.to(ScalarType.Float64); var m2 = mean2.to(ScalarType.Float64);
        var s1 = cov1.to(ScalarType.Float64); var s2 = cov2.to(ScalarType.Float64);
        var diff = m1 - m2;
        double meanTerm = diff.dot(diff).item<double>();
        var sqrtS1 = SymmetricSqrt(s1);
        var inner = sqrtS1.matmul(s2).matmul(sqrtS1);
        inner = (inner + inner.t()) / 2; // symmetric up to rounding
        var (eigenvalues, _) = linalg.eigh(inner);
        double traceSqrt = eigenvalues.clamp_min(0).sqrt().sum().item<double>();
        return meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceSqrt;
    }

    private static Tensor SymmetricSqrt(Tensor s)
    {
        var sym = (s + s.t()) / 2;
        var (values, vectors) = linalg.eigh(sym);
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.t());
    }
}
