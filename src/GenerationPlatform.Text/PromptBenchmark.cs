using System.Text;
using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text;

/// <summary>
/// The prompt benchmark (committed as <see cref="RelativePath"/>), in DrawBench-like categories, generated here
/// deterministically so the file can be regenerated and checked. Every prompt asks a class; the categories:
/// <list type="bullet">
/// <item><c>class-name</c>: the class by a training term ("a photo of a coat"); 3 per class.</item>
/// <item><c>class-paraphrase</c>: the class by a held-out paraphrase no training caption uses ("a pair of slacks"); each of the 3 per class.</item>
/// <item><c>one-property</c>: class and one of colour, surface, orientation (footwear); 5 per class.</item>
/// <item><c>two-properties</c>: class and two; 4 per class.</item>
/// <item><c>three-properties</c>: footwear with colour, orientation and surface; 10 per footwear class.</item>
/// <item><c>rare-combinations</c>: a (class, colour) pair no training caption states (<see cref="CaptionGenerator.HeldOutColourPairs"/>),
/// alone, with a surface, and with a paraphrase or an orientation; 3 per pair.</item>
/// <item><c>held-out-lemma</c>: the class by a held-out word of the garment vocabulary (<see cref="GarmentVocabulary"/>; never
/// a benchmark paraphrase, never in a training caption), alone (3 per class) and with a held-out colour word of a hue the
/// class is captioned with (3 per class; the colour column names the palette colour it means).</item>
/// </list>
/// 270 prompts; the categories before held-out-lemma are drawn first, so they are what they were before it was added.
/// Columns: id, category, prompt, class (the dataset's name), colour, orientation, surface ("-": not asked).
/// </summary>
public static class PromptBenchmark
{
    public const string RelativePath = "docs/benchmarks/fashion-prompts.tsv";
    public const string Header = "id\tcategory\tprompt\tclass\tcolour\torientation\tsurface";
    public const ulong Seed = 20250612;
    public const string None = "-";

    public const string ClassName = "class-name";
    public const string ClassParaphrase = "class-paraphrase";
    public const string OneProperty = "one-property";
    public const string TwoProperties = "two-properties";
    public const string ThreeProperties = "three-properties";
    public const string RareCombinations = "rare-combinations";
    public const string HeldOutLemma = "held-out-lemma";

    public static IReadOnlyList<string> Categories { get; } = [ClassName, ClassParaphrase, OneProperty, TwoProperties, ThreeProperties, RareCombinations, HeldOutLemma];

    private static readonly string[] SurfaceValues = [Surfaces.Plain, Surfaces.Patterned];
    private static readonly string[] OrientationValues = [Orientations.Left, Orientations.Right];

    /// <summary>The benchmark; the same on every run.</summary>
    public static IReadOnlyList<BenchmarkPrompt> Generate()
    {
        var rng = new DeterministicRandom(Seed);
        var rows = new List<BenchmarkPrompt>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string category, ClassTerm term, int c, string? colour, string? orientation, string? surface, string? colourWord = null)
        {
            // Redraw the wording until the prompt is new (every prompt in the benchmark is different).
            string prompt;
            int tries = 0;
            do prompt = CaptionGenerator.Describe(term, colourWord ?? colour, orientation, surface, rng);
            while (!seen.Add(prompt) && ++tries < 100);
            rows.Add(new BenchmarkPrompt($"{category}-{rows.Count(r => r.Category == category) + 1:000}", category, prompt, c, colour, orientation, surface));
        }
        string Colour(int c) => rng.Pick(ColourFashion.Palette.Select(p => p.Name).Where(n => !CaptionGenerator.IsHeldOut(c, n)).ToList());
        ClassTerm Training(int c) => rng.Pick(ClassVocabulary.TrainingTerms[c]);

        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var terms = ClassVocabulary.TrainingTerms[c];
            for (int k = 0; k < 3; k++) Add(ClassName, terms[k % terms.Count], c, null, null, null);
        }
        for (int c = 0; c < FashionClasses.Count; c++)
            foreach (var term in ClassVocabulary.BenchmarkParaphrases[c])
                Add(ClassParaphrase, term, c, null, null, null);
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            if (FashionClasses.IsFootwear(c))
            {
                Add(OneProperty, Training(c), c, Colour(c), null, null);
                Add(OneProperty, Training(c), c, Colour(c), null, null);
                Add(OneProperty, Training(c), c, null, Orientations.Left, null);
                Add(OneProperty, Training(c), c, null, Orientations.Right, null);
                Add(OneProperty, Training(c), c, null, null, rng.Pick(SurfaceValues));
            }
            else
            {
                for (int k = 0; k < 3; k++) Add(OneProperty, Training(c), c, Colour(c), null, null);
                Add(OneProperty, Training(c), c, null, null, Surfaces.Plain);
                Add(OneProperty, Training(c), c, null, null, Surfaces.Patterned);
            }
        }
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            if (FashionClasses.IsFootwear(c))
            {
                Add(TwoProperties, Training(c), c, Colour(c), Orientations.Left, null);
                Add(TwoProperties, Training(c), c, Colour(c), Orientations.Right, null);
                Add(TwoProperties, Training(c), c, Colour(c), null, rng.Pick(SurfaceValues));
                Add(TwoProperties, Training(c), c, null, rng.Pick(OrientationValues), rng.Pick(SurfaceValues));
            }
            else
            {
                foreach (var surface in new[] { Surfaces.Plain, Surfaces.Patterned, Surfaces.Plain, Surfaces.Patterned })
                    Add(TwoProperties, Training(c), c, Colour(c), null, surface);
            }
        }
        foreach (var c in new[] { FashionClasses.Sandal, FashionClasses.Sneaker, FashionClasses.AnkleBoot })
            for (int k = 0; k < 10; k++)
                Add(ThreeProperties, Training(c), c, Colour(c), OrientationValues[k % 2], SurfaceValues[(k / 2) % 2]);
        foreach (var (c, colour) in CaptionGenerator.HeldOutColourPairs)
        {
            Add(RareCombinations, Training(c), c, colour, null, null);
            Add(RareCombinations, Training(c), c, colour, null, rng.Pick(SurfaceValues));
            if (FashionClasses.IsFootwear(c)) Add(RareCombinations, Training(c), c, colour, rng.Pick(OrientationValues), null);
            else Add(RareCombinations, rng.Pick(ClassVocabulary.BenchmarkParaphrases[c]), c, colour, null, null);
        }
        var vocabulary = GarmentVocabulary.Shipped;
        var heldOutHues = ColourFashion.Palette.Select(p => p.Name).Where(h => vocabulary.ColourWords(h, VocabularySplit.HeldOut).Count > 0).ToList();
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var words = rng.Shuffle(vocabulary.Entries.Where(e => e.Kind == VocabularyKind.Class && e.ClassIndex == c && e.Split == VocabularySplit.HeldOut
                && e.SplitReason != "benchmark-paraphrase").Select(e => e.Term));
            if (words.Count == 0) throw new InvalidOperationException($"the garment vocabulary holds out no word of {FashionClasses.Names[c]} but its benchmark paraphrases");
            for (int k = 0; k < 3; k++) Add(HeldOutLemma, words[k % words.Count], c, null, null, null);
            var hues = heldOutHues.Where(h => !CaptionGenerator.IsHeldOut(c, h)).ToList();
            for (int k = 3; k < 6; k++)
            {
                var hue = rng.Pick(hues);
                Add(HeldOutLemma, words[k % words.Count], c, hue, null, null, rng.Pick(vocabulary.ColourWords(hue, VocabularySplit.HeldOut)));
            }
        }
        return rows;
    }

    /// <summary>The benchmark as the committed TSV (LF line endings, final newline).</summary>
    public static string ToTsv(IEnumerable<BenchmarkPrompt> prompts)
    {
        var text = new StringBuilder().Append(Header).Append('\n');
        foreach (var p in prompts)
        {
            if (p.Prompt.Contains('\t') || p.Prompt.Contains('\n')) throw new ArgumentException($"prompt {p.Id} has a tab or a newline");
            text.Append(string.Join('\t', p.Id, p.Category, p.Prompt, FashionClasses.Names[p.Class], p.Colour ?? None, p.Orientation ?? None, p.Surface ?? None)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads the TSV back, checking the header, the column count and the class names.</summary>
    public static IReadOnlyList<BenchmarkPrompt> ParseTsv(string tsv)
    {
        var lines = tsv.Split('\n').Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0 || lines[0] != Header) throw new FormatException($"the benchmark's first line must be: {Header}");
        var rows = new List<BenchmarkPrompt>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split('\t');
            if (f.Length != 7) throw new FormatException($"benchmark row has {f.Length} columns, expected 7: {line}");
            int c = FashionClasses.IndexOf(f[3]);
            if (c < 0) throw new FormatException($"benchmark row {f[0]}: unknown class '{f[3]}'");
            rows.Add(new BenchmarkPrompt(f[0], f[1], f[2], c, OrNull(f[4]), OrNull(f[5]), OrNull(f[6])));
        }
        return rows;
    }

    private static string? OrNull(string field) => field == None ? null : field;
}
