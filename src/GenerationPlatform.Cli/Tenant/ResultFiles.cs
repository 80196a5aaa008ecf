using GenerationPlatform.Api.V1;
using GenerationPlatform.Tools;
using Google.Protobuf;

namespace GenerationPlatform.Cli.Tenant;

/// <summary>A completed job's result on disk: top-1.png ... top-K.png and result.json (the result as the JSON API writes it, images as files).</summary>
internal static class ResultFiles
{
    public static void Write(string folder, JobResult result)
    {
        Directory.CreateDirectory(folder);
        foreach (var image in result.Images) AtomicFile.Write(Path.Combine(folder, $"top-{image.Rank}.png"), image.Png.ToByteArray());
        var record = result.Clone();
        foreach (var image in record.Images) image.Png = ByteString.Empty;
        AtomicFile.Write(Path.Combine(folder, "result.json"), System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(record) + "\n"));
    }
}
