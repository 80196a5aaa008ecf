using GenerationPlatform.Text;

namespace GenerationPlatform.Evaluation.Tests;

public sealed class PromptBootstrapTests
{
    [Fact]
    public void ResamplingWholePromptsWidensTheIntervalWhenAPromptsSeedsAgree()
    {
        // 30 prompts of 2 seeds each, both seeds of a prompt giving the same verdict: 60 units, but only 30 independent ones.
        var clusters = Enumerable.Range(0, 30).Select(i => (IReadOnlyList<double>)(i % 3 == 0 ? [0.0, 0.0] : [1.0, 1.0])).ToArray();
        var byPrompt = PromptBootstrap.Mean(clusters, seed: 3);
        var byUnit = PairedBootstrap.Mean(clusters.SelectMany(c => c).ToArray(), seed: 3);
        Assert.Equal(20.0 / 30, byPrompt.Estimate, 12);
        Assert.Equal(30, byPrompt.Pairs);
        Assert.True(byPrompt.Upper - byPrompt.Lower > 1.3 * (byUnit.Upper - byUnit.Lower),
            $"prompt interval {byPrompt.Lower:F3}-{byPrompt.Upper:F3}, unit interval {byUnit.Lower:F3}-{byUnit.Upper:F3}");
        Assert.Equal(byPrompt, PromptBootstrap.Mean(clusters, seed: 3));
    }

    [Fact]
    public void TheEstimateIsTheMeanOverUnitsAndUnequalClustersWeighByTheirUnits()
    {
        IReadOnlyList<double>[] clusters = [[1.0, 1.0, 1.0], [0.0]];
        var ci = PromptBootstrap.Mean(clusters, resamples: 2000, seed: 5);
        Assert.Equal(0.75, ci.Estimate, 12);
        Assert.InRange(ci.Lower, 0, 0.75);
        Assert.Equal(1.0, ci.Upper, 12);
        Assert.Throws<ArgumentException>(() => PromptBootstrap.Mean([]));
        Assert.Throws<ArgumentException>(() => PromptBootstrap.Mean([[]]));
        Assert.Throws<ArgumentException>(() => PromptBootstrap.Mean([[double.NaN]]));
    }

    [Fact]
    public void TheCategoryTableGivesPromptIntervalsAndColourMetOnClassAndColourPrompts()
    {
        BenchmarkPrompt[] prompts =
        [
            new("held-out-lemma-001", "held-out-lemma", "a crimson cardigan", 2, "red", null, null),
            new("held-out-lemma-002", "held-out-lemma", "a cardigan", 2, null, null, null),
            new("two-properties-001", "two-properties", "a plain red coat", 4, "red", null, "plain"),
        ];
        TextUnit[] units =
        [
            // colour met, class wrong; colour and class met; (class-only prompt) class met twice; two properties: 2 of 3 met.
            new("held-out-lemma-001", "held-out-lemma", 0, false, 0.5, false, 0.6, 19),
            new("held-out-lemma-001", "held-out-lemma", 1, true, 1.0, true, 0.7, 19),
            new("held-out-lemma-002", "held-out-lemma", 0, true, 1.0, true, 0.6, 19),
            new("held-out-lemma-002", "held-out-lemma", 1, true, 1.0, true, 0.6, 19),
            new("two-properties-001", "two-properties", 0, false, 2.0 / 3, true, 0.6, 19),
        ];
        var table = TextCategoryIntervals.Markdown([("none+0", units)], prompts);
        Assert.Contains("| none+0 | two-properties | 1 | 1 | 100.0% [100.0, 100.0] | 0.0% [0.0, 0.0] | – |", table);
        Assert.Contains("| none+0 | held-out-lemma | 2 | 4 | 75.0% [", table);
        Assert.Contains("100.0% [100.0, 100.0] (2) |", table);
        Assert.Contains("| none+0 | **all** | 3 | 5 |", table);
        // two-properties comes before held-out-lemma, as in the benchmark.
        Assert.True(table.IndexOf("two-properties", StringComparison.Ordinal) < table.IndexOf("| held-out-lemma", StringComparison.Ordinal));
        Assert.DoesNotContain("colour met (units)", TextCategoryIntervals.Markdown([("none+0", units)], null));
        Assert.True(TextCategoryIntervals.ColourMet(units[0]));
        Assert.False(TextCategoryIntervals.ColourMet(new TextUnit("x", "c", 0, false, 0.5, true, 0, 0)));
    }
}
