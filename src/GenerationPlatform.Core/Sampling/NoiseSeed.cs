namespace GenerationPlatform.Core.Sampling;

/// <summary>
/// Identifies one candidate's randomness: (request seed, search round, candidate index). Noise is
/// drawn from the counter-based Philox4x32-10 generator keyed by the seed, with the round, the
/// candidate and a stream number in the counter, so any candidate's noise can be regenerated
/// exactly, alone or in any batch, without replaying a sequential generator.
/// </summary>
public readonly record struct NoiseSeed(ulong Seed, uint Round, uint Candidate)
{
    /// <summary>Stream 0 is the starting noise; others are for per-step noise and search proposals.</summary>
    public const uint InitialNoiseStream = 0;

    /// <summary>Stream reserved for the stochastic step's z at sampler step <paramref name="step"/> (0-based).</summary>
    public static uint StepStream(int step) => 1_000u + (uint)step;

    public NoiseSeed WithCandidate(uint candidate) => this with { Candidate = candidate };

    /// <summary>Fills <paramref name="destination"/> with independent standard normal samples.</summary>
    public void FillNormal(Span<float> destination, uint stream = InitialNoiseStream)
    {
        Span<uint> block = stackalloc uint[4];
        for (int i = 0, blockIndex = 0; i < destination.Length; blockIndex++)
        {
            Philox.Generate(Seed, (uint)blockIndex, Candidate, Round, stream, block);
            // Box-Muller on two pairs of uniforms in (0, 1): four normals per block.
            for (int pair = 0; pair < 2 && i < destination.Length; pair++)
            {
                double u1 = (block[2 * pair] + 0.5) / 4294967296.0;
                double u2 = (block[2 * pair + 1] + 0.5) / 4294967296.0;
                double r = Math.Sqrt(-2.0 * Math.Log(u1));
                double theta = 2.0 * Math.PI * u2;
                destination[i++] = (float)(r * Math.Cos(theta));
                if (i < destination.Length) destination[i++] = (float)(r * Math.Sin(theta));
            }
        }
    }

    public float[] Normal(int count, uint stream = InitialNoiseStream)
    {
        var values = new float[count];
        FillNormal(values, stream);
        return values;
    }

    /// <summary>Uniform samples in [0, 1), for decisions such as resampling.</summary>
    public double[] Uniform(int count, uint stream)
    {
        var values = new double[count];
        Span<uint> block = stackalloc uint[4];
        for (int i = 0, blockIndex = 0; i < count; blockIndex++)
        {
            Philox.Generate(Seed, (uint)blockIndex, Candidate, Round, stream, block);
            for (int k = 0; k < 4 && i < count; k++) values[i++] = block[k] / 4294967296.0;
        }
        return values;
    }
}
