namespace GenerationPlatform.Search;

/// <summary>
/// A hard cap on denoiser NFE for one search, split by what the NFE were spent on. Work is
/// reserved before it is run, so no algorithm can spend past the cap.
/// </summary>
public sealed class NfeBudget(long limit)
{
    private long search, final, modelEvaluations;

    public long Limit { get; } = limit is > 0 and <= SearchLimits.MaxBudgetNfe ? limit
        : throw new ArgumentOutOfRangeException(nameof(limit), limit, $"the NFE budget must be between 1 and {SearchLimits.MaxBudgetNfe}");
    public long SearchNfe => Interlocked.Read(ref search);
    public long FinalNfe => Interlocked.Read(ref final);
    public long Spent => SearchNfe + FinalNfe;
    public long Remaining => Limit - Spent;
    /// <summary>Single-sample network evaluations, counting the unconditional branch of guidance.</summary>
    public long ModelEvaluations => Interlocked.Read(ref modelEvaluations);

    public bool CanAfford(long nfe) => nfe >= 0 && nfe <= Remaining;

    internal void Charge(long nfe, long evaluations, bool isFinal)
    {
        // A negative charge would raise what is left: only an overflow upstream could ask for one.
        if (nfe < 0 || evaluations < 0) throw new BudgetExceededException($"a charge of {nfe} NFE ({evaluations} evaluations) is not a cost");
        lock (this)
        {
            if (nfe > Remaining) throw new BudgetExceededException($"spending {nfe} NFE would exceed the budget ({Spent} of {Limit} spent)");
            if (isFinal) final += nfe; else search += nfe;
            modelEvaluations += evaluations;
        }
    }

    /// <summary>
    /// Restores the counters of a resumed search on a fresh budget: what was spent before counts
    /// against the same cap, so a resumed run can spend only what the interrupted one had left.
    /// </summary>
    public void Restore(long searchNfe, long finalNfe, long evaluations)
    {
        if (searchNfe < 0 || finalNfe < 0 || evaluations < 0) throw new ArgumentOutOfRangeException(nameof(searchNfe), "restored spending must not be negative");
        lock (this)
        {
            if (search != 0 || final != 0 || modelEvaluations != 0) throw new InvalidOperationException("only a budget that has not been charged can be restored");
            if (searchNfe + finalNfe > Limit) throw new BudgetExceededException($"restored spending ({searchNfe + finalNfe} NFE) exceeds the budget of {Limit}");
            search = searchNfe; final = finalNfe; modelEvaluations = evaluations;
        }
    }
}
