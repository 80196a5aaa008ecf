namespace GenerationPlatform.Text;

/// <summary>The ten Fashion-MNIST classes, in the dataset's label order.</summary>
public static class FashionClasses
{
    public const int Count = 10;
    public const int TShirt = 0;
    public const int Trouser = 1;
    public const int Pullover = 2;
    public const int Dress = 3;
    public const int Coat = 4;
    public const int Sandal = 5;
    public const int Shirt = 6;
    public const int Sneaker = 7;
    public const int Bag = 8;
    public const int AnkleBoot = 9;

    /// <summary>The dataset's own names, indexed by label.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Sandal, Sneaker and Ankle boot: the classes with a toe, so with an orientation.</summary>
    public static bool IsFootwear(int classIndex) => classIndex is Sandal or Sneaker or AnkleBoot;

    /// <summary>The label of a dataset class name (exact, as in <see cref="Names"/>), or -1.</summary>
    public static int IndexOf(string name)
    {
        for (int i = 0; i < Count; i++)
            if (string.Equals(Names[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }

    internal static void Check(int classIndex)
    {
        if (classIndex is < 0 or >= Count)
            throw new ArgumentOutOfRangeException(nameof(classIndex), classIndex, "a Fashion-MNIST class is 0..9");
    }
}
