using System.Runtime.CompilerServices;

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

/// <summary>Philox4x32 with 10 rounds (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011).</summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    public static void Generate(ulong key, uint c0, uint c1, uint c2, uint c3, Span<uint> output)
    {
        uint k0 = (uint)key, k1 = (uint)(key >> 32);
        for (int round = 0; round < 10; round++)
        {
            Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
            k0 += W0;
            k1 += W1;
        }
        output[0] = c0;
        output[1] = c1;
        output[2] = c2;
        output[3] = c3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
        uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
        uint n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
    }
}
