namespace GenerationPlatform.Evaluation;

/// <summary>
/// A curve: a baseline without a verifier, or an algorithm with a verifier. Baselines: "steps" spends the budget on
/// more Heun steps of one sample; "stochastic" is one sample of the particle sampler (the stochastic step at
/// eta = <see cref="StochasticEta"/>, particles' default) with the candidate's step count at +0 and more steps at
/// larger budgets: the +0 point of the particle curves on their own sampler.
/// </summary>
/// <summary>
/// A curve: <c>steps</c>, <c>stochastic</c>, or <c>ALGORITHM:VERIFIER</c>, optionally with an adaptive budget after the
/// verifier, <c>random:classifier@target=0.99</c> or <c>@patience=2</c> or both (<c>@target=0.99;patience=2</c>): the
/// search stops as SearchRequest.TargetScore and Patience say, and the point records what it spent.
/// </summary>
public sealed record ScalingSeries(string Algorithm, string? Verifier, double? TargetScore = null, int? Patience = null)
{
    public const float StochasticEta = 0.5f;

    public string Name => Verifier is null ? Algorithm : $"{Algorithm}:{Verifier}{Adaptive}";

    private string Adaptive => TargetScore is null && Patience is null ? ""
        : "@" + string.Join(";", new[]
        {
            TargetScore is { } t ? "target=" + t.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null,
            Patience is { } p ? "patience=" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        }.Where(x => x is not null));

    public bool IsBaseline => Verifier is null;

    public static ScalingSeries Parse(string text)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts[0] is "steps" or "stochastic" && parts.Length == 1) return new(parts[0], null);
        if (parts.Length != 2 || parts[1].Length == 0) throw new ArgumentException($"series '{text}' must be 'steps', 'stochastic' or 'ALGORITHM:VERIFIER[@target=X;patience=N]'");
        int at = parts[1].LastIndexOf('@');
        if (at < 0) return new(parts[0], parts[1]);
        double? target = null;
        int? patience = null;
        foreach (var setting in parts[1][(at + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = setting.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && kv[0] == "target"
                && double.TryParse(kv[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var t) && double.IsFinite(t))
                target = t;
            else if (kv.Length == 2 && kv[0] == "patience"
                && int.TryParse(kv[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= 1)
                patience = p;
            else throw new ArgumentException($"series '{text}': '{setting}' is not target=NUMBER or patience=ROUNDS");
        }
        if (target is null && patience is null) throw new ArgumentException($"series '{text}': '@' needs target=NUMBER and/or patience=ROUNDS");
        return new(parts[0], parts[1][..at], target, patience);
    }
}
