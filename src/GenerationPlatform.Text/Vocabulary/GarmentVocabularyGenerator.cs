using System.Globalization;
using System.Text;

namespace GenerationPlatform.Text.Vocabulary;

/// <summary>
/// Builds the garment vocabulary (<see cref="GarmentVocabulary"/>) from the WordNet 3.0 database, deterministically.
/// <para><b>Class words.</b> Each class has head synsets (<see cref="ClassHeads"/>, each with its offset, gloss and the
/// reason it was chosen). A synset reached from a head by at most <see cref="MaxHyponymSteps"/> hyponym steps belongs to
/// the class of its nearest head (the T-shirt under "shirt" is nearer its own head than the shirt head); one equally near
/// heads of two classes ("turtleneck": a sweater and a jersey) belongs to neither. A synset counts only as a garment
/// sense: its hypernym chain must reach its class's root (<see cref="ClothingRoot"/>, <see cref="FootwearRoot"/> or the
/// two carried <see cref="BagRoots"/>). Its words are then dropped, with the reason kept in the file's header, when they
/// are</para>
/// <list type="bullet">
/// <item>words of two classes ("jumper": a sweater, a pinafore dress and a workman's jacket; "sack": a dress and a jacket);</item>
/// <item>words another noun sense of which is a garment of another class, or whose commoner garment sense (WordNet lists
/// senses by frequency) is of no class ("thong": a G-string before a flip-flop; "vest": a waistcoat), so that a caption
/// never teaches a word a user may mean otherwise;</item>
/// <item>not plain words (letters, hyphens and spaces only: "Levi's" goes, "levis" stays);</item>
/// <item>words the prompt parser reads otherwise (<see cref="PromptParser.ReservedMeaning"/>) or that name a colour
/// ("white" trousers, "blue jeans"), which would make a caption say two things;</item>
/// <item>words the hand-written <see cref="ClassVocabulary"/> gives to another class ("tank top" is a T-shirt/top there).</item>
/// </list>
/// <para>Trouser words are plural ("jeans", "pants"; "pant" is WordNet's lemma); other words are plural when WordNet spells
/// them so ("waders"). Words are compared by <see cref="GarmentVocabulary.Key"/>, so "huarache" and "huaraches" are one.</para>
/// <para><b>Colour words.</b> Each palette colour has one head colour noun (<see cref="ColourHeads"/>); its synset and the
/// synsets at most <see cref="MaxColourSteps"/> hyponym steps below it name that hue, the nearest head winning (cyan's
/// "bluish green, teal" is under green's), and so do the colour adjectives those nouns derive ("red" noun to the "red,
/// reddish, crimson, scarlet, ..." adjective, a satellite of "chromatic"). The rules: a synset one of whose words names
/// another hue (a word beginning with another hue's stem: "orange red", "purplish red", "greenish blue") is a blend and
/// gives no word and no hyponym (so "magenta", under "purplish red", is no red; "turquoise", in "greenish blue", is no
/// blue), except a head, which only loses such words; nouns of a quality ("redness", "rosiness", "viridity") are dropped;
/// a word of two hues, of a class, or one the parser reads as anything but a colour is dropped. Words the parser knew as
/// colours it cannot check (navy, gold, burgundy, lavender) become their hue's.</para>
/// <para><b>The split.</b> Of each class's (each colour's) words, the <see cref="HeldOutPercent"/>% (<see cref="HeldOutCount"/>)
/// with the smallest fixed hash of their key (<see cref="SplitHash"/>) are <see cref="VocabularySplit.HeldOut"/>, with
/// these forced first and not counted: a word that is, or is inside, a training term of
/// <see cref="ClassVocabulary.TrainingTerms"/> or a palette name is trained on; a word that is or contains a benchmark
/// paraphrase (<see cref="ClassVocabulary.BenchmarkParaphrases"/>) or a projection synonym
/// (<see cref="ClassVocabulary.ProjectionSynonyms"/>, which the U-Net's captions never use) is held out; and a trained
/// word that contains a held-out word as a token sequence ("tote bag" around "tote") is held out too, so a held-out word
/// never appears inside a training caption.</para>
/// <para><b>Hand rows.</b> Rows of source <see cref="VocabularyEntry.HandSource"/> are kept as given (kind, target, lemma,
/// plural), replace a WordNet row of the same word, and are split by the same rules.</para>
/// </summary>
public static class GarmentVocabularyGenerator
{
    /// <summary>The database the committed vocabulary was built from, as its header records it.</summary>
    public const string SourceDescription = "WordNet 3.0, the database files of the Debian package wordnet-base 1:3.0-37 (/usr/share/wordnet)";

    /// <summary>How the committed file is regenerated, as its header records it.</summary>
    public const string RegenerateCommand =
        "GENPLAT_WRITE_VOCABULARY=1 dotnet test tests/GenerationPlatform.Text.Tests -c Release --filter FullyQualifiedName~CommittedFileMatchesTheGeneratorOnTheInstalledWordNet";

    public const int MaxHyponymSteps = 3, MaxColourSteps = 2, HeldOutPercent = 20;
    public const ulong SplitSalt = 0x574F52444E4554;

    /// <summary>n03051540 "clothing, article of clothing, ...": a covering designed to be worn on a person's body.</summary>
    public const long ClothingRoot = 3051540;

    /// <summary>n03380867 "footwear, footgear": covering for a person's feet (boots and shoes are under it).</summary>
    public const long FootwearRoot = 3380867;

    /// <summary>
    /// The carried bags: n02773037 "bag", a flexible container with a single opening, and n02774152 "bag, handbag,
    /// pocketbook, purse", a container used for carrying money and small personal items (WordNet puts it under container, not bag).
    /// </summary>
    public static IReadOnlyList<long> BagRoots { get; } = [2773037, 2774152];

    /// <summary>a00366691 "chromatic": the head adjective of the colour adjectives.</summary>
    public const long ChromaticAdjective = 366691;

    /// <summary>The head synsets of each class, with why each was chosen.</summary>
    public static IReadOnlyList<GarmentHead> ClassHeads { get; } =
    [
        new(FashionClasses.TShirt, 3595614, "T-shirt", "a close-fitting pullover shirt", "the T-shirt itself (jersey, T-shirt, tee shirt)"),
        new(FashionClasses.TShirt, 4453666, "top", "a garment (especially for women) that extends from the shoulders to the waist or hips",
            "the garment sense of 'top' (halter, bustier; blouses go to Shirt, whose head is nearer)"),
        new(FashionClasses.TShirt, 4390577, "tank top", "a tight-fitting sleeveless shirt with wide shoulder straps",
            "WordNet files it under shirt, but Fashion-MNIST's T-shirt/top holds tank tops and the benchmark asks for one there"),
        new(FashionClasses.TShirt, 4223299, "undershirt", "a collarless men's undergarment for the upper part of the body",
            "singlet, vest, undershirt: the sleeveless top Fashion-MNIST's T-shirt/top holds (the benchmark asks for a singlet there)"),
        new(FashionClasses.Trouser, 4489008, "trouser", "(usually in the plural) a garment extending from the waist to the knee or ankle",
            "trousers, pants: jeans, slacks, breeches, shorts and the rest are its hyponyms"),
        new(FashionClasses.Pullover, 4370048, "sweater", "a crocheted or knitted garment covering the upper part of the body",
            "sweater, jumper: pullover, cardigan, sweatshirt are its hyponyms"),
        new(FashionClasses.Dress, 3236735, "dress", "a one-piece garment for a woman; has skirt and bodice", "dress, frock: gowns, shifts, sundresses are its hyponyms"),
        new(FashionClasses.Coat, 3057021, "coat", "an outer garment that has sleeves and covers the body from shoulder down",
            "coat: jackets, overcoats, raincoats, parkas are its hyponyms, and Fashion-MNIST's Coat holds jackets too"),
        new(FashionClasses.Sandal, 4133789, "sandal", "a shoe consisting of a sole fastened by straps to the foot", "sandal: flip-flop, espadrille, huarache, zori"),
        new(FashionClasses.Shirt, 4197391, "shirt", "a garment worn on the upper half of the body",
            "shirt: dress shirt, polo shirt, work-shirt (its T-shirt and tank top subtrees go to their nearer T-shirt/top heads)"),
        new(FashionClasses.Shirt, 2854926, "blouse", "a top worn by women",
            "WordNet files blouses under top; the hand-written vocabulary and Fashion-MNIST's Shirt (button fronts and collars) hold them"),
        new(FashionClasses.Sneaker, 3472535, "sneaker", "a canvas shoe with a pliable rubber sole", "gym shoe, sneaker, tennis shoe, and plimsoll below"),
        new(FashionClasses.Sneaker, 4120489, "running shoe", "a light comfortable shoe designed for running",
            "the other athletic shoe WordNet has (a sibling of sneaker under shoe)"),
        new(FashionClasses.Bag, 2774152, "handbag", "a container used for carrying money and small personal items",
            "bag, handbag, pocketbook, purse: clutch, evening bag, shoulder bag are its hyponyms"),
        new(FashionClasses.Bag, 2769748, "backpack", "a bag carried by a strap on your back or shoulder", "backpack, knapsack, rucksack: a carried bag"),
        new(FashionClasses.Bag, 2970408, "tote", "a capacious bag or basket", "carryall, holdall, tote: a carried bag"),
        new(FashionClasses.Bag, 4026417, "purse", "a small bag for carrying money", "the other carried sense of purse"),
        new(FashionClasses.Bag, 2870676, "book bag", "a bag in which students carry their books", "a carried bag"),
        new(FashionClasses.Bag, 4146343, "schoolbag", "a bag for carrying school books and supplies", "a carried bag"),
        new(FashionClasses.Bag, 3253886, "duffel bag", "a large cylindrical bag of heavy cloth; for carrying personal belongings",
            "a carried bag (the other hyponyms of bag, such as airbag, tea bag and sleeping bag, are not carried and have no head)"),
        new(FashionClasses.AnkleBoot, 2872752, "boot", "footwear that covers the whole foot and lower leg",
            "boot: combat boot, cowboy boot, riding boot (the class's other training term)"),
        new(FashionClasses.AnkleBoot, 3027625, "chukka", "a shoe that comes up to the ankle and is laced", "chukka boot: an ankle boot that WordNet files under shoe"),
        new(FashionClasses.AnkleBoot, 3090710, "congress boot", "an ankle high shoe with elastic gussets in the sides",
            "congress boot (the Chelsea boot): an ankle boot that WordNet files under shoe"),
    ];

    /// <summary>The head colour noun of each palette colour, with why each was chosen.</summary>
    public static IReadOnlyList<ColourHead> ColourHeads { get; } =
    [
        new("red", 4962784, "red", "red color or pigment; the chromatic color resembling the hue of blood", "red, redness: crimson, scarlet, cherry are below or in its adjective"),
        new("orange", 4965179, "orange", "orange color or pigment; any of a range of colors between red and yellow", "orange, orangeness"),
        new("yellow", 4965661, "yellow", "yellow color or pigment", "yellow, yellowness: amber, gold, lemon, canary are below"),
        new("green", 4967191, "green", "green color or pigment", "green, greenness: emerald, sea green, jade are below"),
        new("cyan", 4968426, "teal", "a blue-green color or pigment",
            "bluish green, blue green, teal (cyan is its hyponym): the palette's cyan is hue 180, between green and blue; WordNet has no cyan hue of its own"),
        new("blue", 4968895, "blue", "blue color or pigment", "blue, blueness: azure, navy, sapphire are below"),
        new("purple", 4970059, "purple", "a purple color or pigment", "purple, purpleness: violet, lavender, mauve are below"),
        new("pink", 4970916, "pink", "a light shade of red", "pink: rose, coral, carnation are below"),
    ];

    /// <summary>
    /// The fixed hash that orders a class's (or colour's) words for the split: SplitMix64 of the FNV-1a hash of the key's
    /// UTF-8 bytes, salted with <see cref="SplitSalt"/>. The same key has the same hash on every platform and run.
    /// </summary>
    public static ulong SplitHash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ulong hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return StableHash.Mix(hash, SplitSalt);
    }

    /// <summary>How many of <paramref name="count"/> hash-split words of one class or colour are held out: <see cref="HeldOutPercent"/>%, rounded (none of one or two).</summary>
    public static int HeldOutCount(int count) => (count * HeldOutPercent + 50) / 100;

    /// <summary>
    /// The vocabulary from <paramref name="db"/> (nouns and adjectives) with <see cref="ClassHeads"/> and <see cref="ColourHeads"/>,
    /// <paramref name="handRows"/> added (rows of other sources are ignored), dated <paramref name="generatedOn"/>.
    /// </summary>
    public static VocabularyBuild Build(WordNetDatabase db, IEnumerable<VocabularyEntry> handRows, string generatedOn) =>
        Build(db, ClassHeads, ColourHeads, handRows, generatedOn);

    /// <summary>The same with other heads (a test's small database has only some synsets).</summary>
    public static VocabularyBuild Build(WordNetDatabase db, IReadOnlyList<GarmentHead> classHeads, IReadOnlyList<ColourHead> colourHeads,
        IEnumerable<VocabularyEntry> handRows, string generatedOn)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(classHeads);
        ArgumentNullException.ThrowIfNull(colourHeads);
        ArgumentNullException.ThrowIfNull(handRows);
        ArgumentNullException.ThrowIfNull(generatedOn);
        var dropped = new List<DroppedWord>();
        var colours = ColourVocabularyCandidates.Of(db, colourHeads, dropped);
        var classes = ClassCandidates(db, classHeads, colours.Select(c => GarmentVocabulary.Key(c.Lemma)).ToHashSet(StringComparer.Ordinal), dropped);

        // A word both a class and a colour ("rose" could be both) would make a caption say two things.
        var classKeys = classes.Select(c => GarmentVocabulary.Key(c.Lemma)).ToHashSet(StringComparer.Ordinal);
        foreach (var c in colours.Where(c => classKeys.Contains(GarmentVocabulary.Key(c.Lemma))).ToList())
        {
            dropped.Add(new DroppedWord(VocabularyKind.Colour, c.Target, c.Lemma, "also a class word"));
            colours.Remove(c);
        }

        var hand = handRows.Where(h => h.Source == VocabularyEntry.HandSource).ToList();
        var handKeys = hand.Select(h => (h.Kind, h.Key)).ToHashSet();
        var candidates = classes.Concat(colours).Where(c => !handKeys.Contains((c.Kind, GarmentVocabulary.Key(c.Lemma))))
            .Concat(hand.Select(h => new VocabularyCandidate(h.Kind, h.Target, h.Lemma, h.Plural, "-", VocabularyEntry.HandSource)))
            .ToList();
        var entries = GarmentVocabularySplit.Of(candidates);
        return new VocabularyBuild(new GarmentVocabulary(Header(db, generatedOn, entries, dropped), entries), dropped);
    }

    private static List<VocabularyCandidate> ClassCandidates(WordNetDatabase db, IReadOnlyList<GarmentHead> heads, IReadOnlySet<string> colourKeys, List<DroppedWord> dropped)
    {
        IReadOnlyList<long> Roots(int c) => c switch
        {
            FashionClasses.Sandal or FashionClasses.Sneaker or FashionClasses.AnkleBoot => [FootwearRoot],
            FashionClasses.Bag => BagRoots,
            _ => [ClothingRoot],
        };
        var allRoots = new[] { ClothingRoot, FootwearRoot }.Concat(BagRoots).ToArray();
        var ancestors = new Dictionary<long, IReadOnlySet<long>>();
        IReadOnlySet<long> Ancestors(WordNetSynset s) => ancestors.TryGetValue(s.Offset, out var a) ? a : ancestors[s.Offset] = db.Ancestors(s);

        // Nearest head per synset: (steps, class, head) for every class that reaches it.
        var reach = new Dictionary<long, Dictionary<int, (int Steps, long Head)>>();
        foreach (var head in heads)
        {
            var synset = CheckHead(db, head.Offset, head.Lemma, head.Gloss, FashionClasses.Names[head.Class]);
            if (!Roots(head.Class).Any(Ancestors(synset).Contains))
                throw new InvalidOperationException($"head n{head.Offset:D8} of {FashionClasses.Names[head.Class]} does not reach the class's root");
            foreach (var (offset, steps) in Hyponyms(db, synset, MaxHyponymSteps, _ => true))
            {
                var byClass = reach.TryGetValue(offset, out var r) ? r : reach[offset] = [];
                if (!byClass.TryGetValue(head.Class, out var best) || steps < best.Steps) byClass[head.Class] = (steps, head.Offset);
            }
        }
        var owner = new Dictionary<long, (int Class, int Steps, long Head)>();
        var contested = new Dictionary<long, string>();
        foreach (var (offset, byClass) in reach)
        {
            int nearest = byClass.Values.Min(v => v.Steps);
            var winners = byClass.Where(kv => kv.Value.Steps == nearest).Select(kv => kv.Key).Order().ToList();
            if (winners.Count == 1) owner[offset] = (winners[0], nearest, byClass[winners[0]].Head);
            else contested[offset] = string.Join(" and ", winners.Select(c => FashionClasses.Names[c]));
        }

        var reserved = ClassVocabularyOwners();
        var ownSynsets = Enumerable.Range(0, FashionClasses.Count)
            .Select(c => (IReadOnlySet<long>)Roots(c).Concat(heads.Where(h => h.Class == c).Select(h => h.Offset)).ToHashSet()).ToArray();
        var byKey = new Dictionary<string, List<(VocabularyCandidate Candidate, int Class, int Steps)>>(StringComparer.Ordinal);
        var droppedKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        var lemmas = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (offset, reason) in contested.OrderBy(kv => kv.Key))
            foreach (var word in db.Synset('n', offset).Words)
            {
                var key = GarmentVocabulary.Key(word.Lemma);
                droppedKeys.TryAdd(key, $"n{offset:D8} is as near to heads of {reason}");
                targets.TryAdd(key, reason);
                lemmas.TryAdd(key, word.Lemma);
            }
        foreach (var (offset, (c, steps, head)) in owner.OrderBy(kv => kv.Value.Class).ThenBy(kv => kv.Value.Steps).ThenBy(kv => kv.Key))
        {
            var synset = db.Synset('n', offset);
            bool garment = Roots(c).Any(Ancestors(synset).Contains);
            foreach (var word in synset.Words)
            {
                bool plural = c == FashionClasses.Trouser || IsPluralForm(word.Lemma);
                var lemma = c == FashionClasses.Trouser ? Pluralise(word.Lemma) : word.Lemma;
                var key = GarmentVocabulary.Key(lemma);
                var candidate = new VocabularyCandidate(VocabularyKind.Class, FashionClasses.Names[c], lemma, plural, $"n{offset:D8}",
                    steps == 0 ? $"head n{head:D8}" : $"n{head:D8} +{steps}");
                if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
                list.Add((candidate, c, steps));
                targets.TryAdd(key, FashionClasses.Names[c]);
                lemmas.TryAdd(key, word.Lemma);
                if (droppedKeys.ContainsKey(key)) continue;
                string? reason = null;
                if (!garment) reason = $"n{offset:D8} is not a garment sense of {FashionClasses.Names[c]} (its hypernyms miss the class's root)";
                else if (!IsPlainWord(word.Lemma)) reason = "not a plain word (letters, hyphens and spaces)";
                else if (PromptParser.ReservedMeaning(lemma) is { } meaning) reason = $"the prompt parser reads it as {meaning}";
                else if (NamedColour(key, colourKeys) is { } colour) reason = $"names a colour ('{colour}')";
                else if (reserved.TryGetValue(key, out var other) && other != c) reason = $"the hand-written ClassVocabulary gives it to {FashionClasses.Names[other]}";
                else if (OtherGarmentSense(db, word.Lemma, c, owner, Ancestors, allRoots, ownSynsets[c]) is { } sense) reason = $"also names {sense}";
                if (reason is not null) droppedKeys[key] = reason;
            }
        }
        var result = new List<VocabularyCandidate>();
        foreach (var (key, list) in byKey)
        {
            var owners = list.Select(x => x.Class).Distinct().Order().ToList();
            if (owners.Count > 1) droppedKeys.TryAdd(key, "a word of " + string.Join(" and ", owners.Select(o => FashionClasses.Names[o])));
            if (droppedKeys.ContainsKey(key)) continue;
            result.Add(list.OrderBy(x => x.Steps).First().Candidate);
        }
        foreach (var (key, reason) in droppedKeys.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            dropped.Add(new DroppedWord(VocabularyKind.Class, targets[key], lemmas[key], reason));
        return result;
    }

    /// <summary>The synsets at most <paramref name="maxSteps"/> hyponym steps below <paramref name="head"/> (itself at 0), each at its fewest steps.</summary>
    internal static Dictionary<long, int> Hyponyms(WordNetDatabase db, WordNetSynset head, int maxSteps, Func<WordNetSynset, bool> passThrough)
    {
        var steps = new Dictionary<long, int> { [head.Offset] = 0 };
        var frontier = new List<WordNetSynset> { head };
        for (int depth = 1; depth <= maxSteps && frontier.Count > 0; depth++)
        {
            var next = new List<WordNetSynset>();
            foreach (var s in frontier.Where(passThrough))
                foreach (var child in s.Targets(WordNetPointerSymbols.Hyponym, 'n'))
                    if (steps.TryAdd(child, depth)) next.Add(db.Synset('n', child));
            frontier = next;
        }
        return steps;
    }

    internal static WordNetSynset CheckHead(WordNetDatabase db, long offset, string lemma, string gloss, string what)
    {
        if (!db.TryGetSynset('n', offset, out var synset)) throw new InvalidOperationException($"head n{offset:D8} of {what} is not in the database");
        if (!synset.Words.Any(w => string.Equals(w.Lemma, lemma, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"head n{offset:D8} of {what} has no word '{lemma}' ({string.Join(", ", synset.Words.Select(w => w.Lemma))})");
        if (!synset.Gloss.StartsWith(gloss, StringComparison.Ordinal))
            throw new InvalidOperationException($"head n{offset:D8} of {what}: gloss '{synset.Gloss}' does not begin '{gloss}'");
        return synset;
    }

    /// <summary>Each class's words in the hand-written <see cref="ClassVocabulary"/> and the class names, by key.</summary>
    private static Dictionary<string, int> ClassVocabularyOwners()
    {
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var terms = ClassVocabulary.TrainingTerms[c].Concat(ClassVocabulary.BenchmarkParaphrases[c]).Concat(ClassVocabulary.ProjectionSynonyms[c]);
            var words = FashionClasses.Names[c].Split('/').Concat(terms.Select(t => t.Text));
            foreach (var w in words) owners.TryAdd(GarmentVocabulary.Key(w), c);
        }
        return owners;
    }

    /// <summary>
    /// Why <paramref name="lemma"/> may mean another garment than one of <paramref name="classIndex"/>: a noun sense of it
    /// that belongs to another class, or a commoner garment sense (WordNet lists senses by frequency) that is of no class;
    /// or null. Senses that are the class's own heads or roots ("bag", the container) are its own.
    /// </summary>
    private static string? OtherGarmentSense(WordNetDatabase db, string lemma, int classIndex, Dictionary<long, (int Class, int Steps, long Head)> owner,
        Func<WordNetSynset, IReadOnlySet<long>> ancestors, long[] allRoots, IReadOnlySet<long> ownSynsets)
    {
        var senses = db.Senses(lemma, 'n');
        foreach (var sense in senses)
            if (owner.TryGetValue(sense.Offset, out var o) && o.Class != classIndex) return $"a {FashionClasses.Names[o.Class]} (n{sense.Offset:D8})";
        foreach (var sense in senses)
        {
            if (ownSynsets.Contains(sense.Offset) || (owner.TryGetValue(sense.Offset, out var o) && o.Class == classIndex)) return null;
            if (allRoots.Any(ancestors(sense).Contains)) return $"first a garment of no class (n{sense.Offset:D8}: {Shorten(sense.Gloss)})";
        }
        return null;
    }

    private static string Shorten(string gloss)
    {
        int semicolon = gloss.IndexOf(';', StringComparison.Ordinal);
        var text = semicolon < 0 ? gloss : gloss[..semicolon];
        return text.Length <= 60 ? text : text[..60] + "...";
    }

    internal static bool IsPlainWord(string lemma) =>
        lemma.Length >= 3 && char.IsAsciiLetter(lemma[0]) && lemma.All(ch => char.IsAsciiLetter(ch) || ch is '-' or ' ');

    /// <summary>Whether the last word is a plural form ("waders", "huaraches"): it has a plural "s" the parser would drop.</summary>
    private static bool IsPluralForm(string lemma)
    {
        var last = lemma.Split(' ', '-')[^1].ToLowerInvariant();
        return PromptParser.Stem(last) != last;
    }

    /// <summary>Trousers are named in the plural: "pant" to "pants", "jean" to "jeans"; plural lemmas and hose stay.</summary>
    private static string Pluralise(string lemma)
    {
        var last = lemma.Split(' ', '-')[^1].ToLowerInvariant();
        return IsPluralForm(lemma) || last.EndsWith('s') || last.EndsWith("hose", StringComparison.Ordinal) || last.EndsWith("hosen", StringComparison.Ordinal)
            ? lemma : lemma + "s";
    }

    /// <summary>A colour word inside a class word's key: a palette name, a colour the parser knows or a colour word of the vocabulary.</summary>
    private static string? NamedColour(string key, IReadOnlySet<string> colourKeys)
    {
        var padded = " " + key + " ";
        foreach (var colour in PromptParser.ColourWords.Select(GarmentVocabulary.Key).Concat(colourKeys))
            if (padded.Contains(" " + colour + " ", StringComparison.Ordinal)) return colour;
        return null;
    }

    private static List<string> Header(WordNetDatabase db, string generatedOn, List<VocabularyEntry> entries, List<DroppedWord> dropped)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            "# Garment vocabulary: the class and colour words of the text model's training captions and of the prompt benchmark (docs/TEXT.md, \"The vocabulary\").",
            $"# Source: {SourceDescription}, read by GenerationPlatform.Text.Vocabulary.WordNetDatabase.",
            "# Generator: GenerationPlatform.Text.Vocabulary.GarmentVocabularyGenerator; its head synsets (offset, gloss, why) and its rules are in its source.",
            $"# Regenerate: {RegenerateCommand}",
            GarmentVocabulary.GeneratedPrefix + generatedOn,
            "# Split: training terms and palette names are trained on; benchmark paraphrases and projection synonyms are held out; "
                + $"of the other words of each class (colour), the {HeldOutPercent}% (rounded) with the smallest StableHash.Mix(FNV-1a(key), 0x{SplitSalt:X}) "
                + "are held out; then every word containing a held-out word is held out.",
            "# Extend: add a row with source 'hand' (kind, target, lemma, plural; synset '-'; any split and reason) and regenerate: "
                + "hand rows are kept, replace a WordNet row of the same word, and are split by the same rules.",
        };
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            var of = entries.Where(e => e.Kind == VocabularyKind.Class && e.ClassIndex == c).ToList();
            lines.Add(string.Format(inv, "# {0}: {1} train, {2} held-out", FashionClasses.Names[c],
                of.Count(e => e.Split == VocabularySplit.Train), of.Count(e => e.Split == VocabularySplit.HeldOut)));
        }
        foreach (var p in ColourFashion.Palette)
        {
            var of = entries.Where(e => e.Kind == VocabularyKind.Colour && e.Target == p.Name).ToList();
            lines.Add(string.Format(inv, "# colour {0}: {1} train, {2} held-out", p.Name,
                of.Count(e => e.Split == VocabularySplit.Train), of.Count(e => e.Split == VocabularySplit.HeldOut)));
        }
        lines.Add("# WordNet's license asks that the following go with every copy:");
        lines.AddRange(db.License.Select(l => l.Length == 0 ? "#" : "#   " + l));
        lines.Add(string.Format(inv, "# Dropped ({0}): word (class or colour): reason", dropped.Count));
        lines.AddRange(dropped.Select(d => $"#   {d.Lemma} ({d.Target}): {d.Reason}"));
        return lines;
    }
}
