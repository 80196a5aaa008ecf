using System.Globalization;

namespace GenerationPlatform.Research.Training;

/// <summary>tune-text-projection's table: the distance to the teachers left for tuned and held-out synonyms, and the anchors' drift.</summary>
internal sealed record TuneTextProjectionReport(ProjectionTuningOutcome Outcome, long TunedPairs, long HeldOutPairs, string HeldOutSynonyms, int TrainingCaptions,
    string Path, TimeSpan Elapsed)
{
    public void Write(TextWriter output)
    {
        var (seen, unseen) = (Outcome.Tuned, Outcome.HeldOut);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            | caption pairs | distance to the teacher before | after | left |
            |---|---|---|---|
            | tuned synonyms ({TunedPairs}) | {seen.Before:F3} | {seen.After:F3} | {seen.Ratio:P1} |
            | held-out synonyms ({HeldOutPairs}: {HeldOutSynonyms}) | {unseen.Before:F3} | {unseen.After:F3} | {unseen.Ratio:P1} |

            training captions moved by {Outcome.AnchorDrift:P2} of their spread ({TrainingCaptions} captions); wrote {Path} in {Elapsed:hh\:mm\:ss}
            """));
    }
}
