namespace GenerationPlatform.Search;

public sealed record NfeSplit(long Search, long Final, long ModelEvaluations)
{
    public long Total => Search + Final;
}
