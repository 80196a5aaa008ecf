namespace GenerationPlatform.Serving;

/// <summary>
/// A model's call time against its rows, t(b) = t0 + b x t1, fitted by exponentially weighted least squares over recent
/// calls, and the rows per second it gives at a batch size. Routing compares denoisers by it: a per-call rate (rows over
/// that call's time) is low for a denoiser that happened to run small batches, so a lightly used denoiser would look slow
/// and be given still less work. The first <c>skip</c> calls are left out: they carry the model's one-time costs (JIT,
/// allocator, kernel selection), which would make a denoiser that just joined look slow. Thread-safe.
/// </summary>
public sealed class CallTimeFit(double decay = 0.95, int skip = 1)
{
    private readonly object gate = new();
    private double w, sb, st, sbb, sbt;
    private int skipped;

    public void Add(int rows, TimeSpan time)
    {
        if (rows <= 0 || time <= TimeSpan.Zero) return;
        double b = rows, t = time.TotalSeconds;
        lock (gate)
        {
            if (skipped < skip)
            {
                skipped++;
                return;
            }
            w = decay * w + 1;
            sb = decay * sb + b;
            st = decay * st + t;
            sbb = decay * sbb + b * b;
            sbt = decay * sbt + b * t;
        }
    }

    /// <summary>Rows per second of a call of <paramref name="batch"/> rows by the fit; 0 before the first call.</summary>
    public double RowsPerSecond(int batch)
    {
        lock (gate)
        {
            if (w == 0 || st <= 0) return 0;
            double meanB = sb / w, meanT = st / w, varB = sbb / w - meanB * meanB;
            // Calls of (nearly) one size say nothing of t0 and t1 apart: time per row at that size.
            if (varB < 1e-6 * meanB * meanB) return meanB / meanT;
            double t1 = (sbt / w - meanB * meanT) / varB, t0 = meanT - t1 * meanB;
            if (t1 <= 0 || t0 < 0) return meanB / meanT;
            return batch / (t0 + batch * t1);
        }
    }
}
