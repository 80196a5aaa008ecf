using GenerationPlatform.Diffusion.Sampling;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Tests;

/// <summary>
/// The exact velocity field for Gaussian data x0 ~ N(mu_y, sigma^2 I) under our interpolant:
/// v(x, t) = (t - (1 - t) sigma^2) / D (x - (1 - t) mu) - mu, D = (1 - t)^2 sigma^2 + t^2. Its ODE
/// solution from noise z at t = 1 is x_t = (1 - t) mu + sqrt(D) z, so x_0 = mu + sigma z.
/// The class y sets mu = y / 4; guidance is ignored.
/// </summary>
public sealed class GaussianVelocityField(double sigma = 0.5) : IVelocityField
{
    public GenerationPlatform.Core.Model.ImageShape Shape => new(1, 28, 28);
    public GenerationPlatform.Core.Model.Conditioning Conditioning { get; } = GenerationPlatform.Diffusion.Data.FashionMnist.Conditioning;
    private long evaluations, calls;
    public long ModelEvaluations => evaluations;
    public long Calls => calls;
    public List<int> BatchSizes { get; } = [];

    public static double Mean(int label) => label / 4.0;

    public double Sigma => sigma;

    public static float[] Exact(float[] z, int label, double sigma, double t)
    {
        double mu = Mean(label), d = Math.Sqrt((1 - t) * (1 - t) * sigma * sigma + t * t);
        return z.Select(v => (float)((1 - t) * mu + d * v)).ToArray();
    }

    public Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows)
    {
        calls++;
        evaluations += rows.Count;
        BatchSizes.Add(rows.Count);
        var data = x.data<float>().ToArray();
        int n = data.Length / rows.Count;
        var v = new float[data.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            double t = rows[r].T, mu = Mean(rows[r].Label), s2 = sigma * sigma;
            double d = (1 - t) * (1 - t) * s2 + t * t, k = (t - (1 - t) * s2) / d;
            for (int i = 0; i < n; i++) v[r * n + i] = (float)(k * (data[r * n + i] - (1 - t) * mu) - mu);
        }
        return tensor(v, x.shape);
    }
}
