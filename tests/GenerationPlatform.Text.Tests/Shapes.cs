namespace GenerationPlatform.Text.Tests;

/// <summary>Constructed grayscale images (28x28, row-major, [-1, 1], background -1).</summary>
public static class Shapes
{
    public const int Side = 28;

    public static float[] Blank()
    {
        var image = new float[Side * Side];
        Array.Fill(image, -1f);
        return image;
    }

    /// <summary>A filled rectangle of rows [y0, y1) and columns [x0, x1) at one intensity.</summary>
    public static float[] Rectangle(int y0, int y1, int x0, int x1, float value = 1f, float[]? into = null)
    {
        var image = into ?? Blank();
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) image[y * Side + x] = value;
        return image;
    }

    /// <summary>
    /// A boot with its toe to the left: a sole along rows 18-23 over columns 3-25 and a shaft rising to row 4 over
    /// columns 16-25 (the heel side, on the right).
    /// </summary>
    public static float[] BootToeLeft()
    {
        var image = Rectangle(18, 24, 3, 26, 0.6f);
        return Rectangle(4, 18, 16, 26, 0.6f, image);
    }

    public static float[] Mirror(float[] image)
    {
        var mirrored = new float[image.Length];
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++) mirrored[y * Side + x] = image[y * Side + Side - 1 - x];
        return mirrored;
    }

    /// <summary>A rectangle with a checkerboard of two intensities: as much high frequency as 28x28 allows.</summary>
    public static float[] Checkerboard(int y0, int y1, int x0, int x1, float a = 1f, float b = 0f)
    {
        var image = Blank();
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) image[y * Side + x] = (x + y) % 2 == 0 ? a : b;
        return image;
    }

    /// <summary>An RGB image (3x28x28) painted with a palette colour, no flip.</summary>
    public static float[] Paint(float[] gray, string colour) => ColourFashion.Paint(gray, ColourFashion.FindColour(colour)!, flip: false);
}
