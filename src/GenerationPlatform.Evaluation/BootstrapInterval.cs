namespace GenerationPlatform.Evaluation;

/// <summary>A difference of means with its bootstrap percentile interval.</summary>
public readonly record struct BootstrapInterval(double Estimate, double Lower, double Upper, int Pairs)
{
    /// <summary>The interval lies wholly above or below zero.</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;
}
