namespace GenerationPlatform.Text.Tests;

public static class Vectors
{
    public static double Dot(float[] a, float[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    public static double Norm(float[] a) => Math.Sqrt(Dot(a, a));

    public static double Cosine(float[] a, float[] b) => Dot(a, b) / (Norm(a) * Norm(b));
}
