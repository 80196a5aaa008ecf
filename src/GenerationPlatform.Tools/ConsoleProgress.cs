namespace GenerationPlatform.Tools;

/// <summary>A one-line progress bar on stderr; redraws in place on a terminal, prints sparse lines otherwise.</summary>
public sealed class ConsoleProgress(string label)
{
    private const int Width = 30;
    private DateTime lastPrint = DateTime.MinValue;
    private readonly bool interactive = !Console.IsErrorRedirected;

    public void Report(long done, long total, string detail, bool force = false)
    {
        var now = DateTime.UtcNow;
        bool last = done >= total;
        if (!force && !last && now - lastPrint < (interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(15))) return;
        lastPrint = now;
        double fraction = total == 0 ? 1 : Math.Clamp(done / (double)total, 0, 1);
        int filled = (int)Math.Round(fraction * Width);
        var line = $"{label} [{new string('#', filled)}{new string('-', Width - filled)}] {done}/{total} {fraction,4:P0} {detail}";
        if (interactive) Console.Error.Write("\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 160) : 100));
        else Console.Error.WriteLine(line);
        if (last && interactive) Console.Error.WriteLine();
    }
}
