using System.Globalization;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>The Prometheus series cluster reads from a silo's /metrics (names as the OpenTelemetry exporter writes them).</summary>
internal static class ClusterMetrics
{
    public const string Nfe = "genplat_nfe_total", BatchSizeSum = "genplat_denoiser_batch_size_sum", BatchSizeCount = "genplat_denoiser_batch_size_count",
        BatchFillSum = "genplat_denoiser_batch_fill_sum", BatchFillCount = "genplat_denoiser_batch_fill_count", BatchCap = "genplat_denoiser_batch_cap",
        JobsEnded = "genplat_jobs_total", VerifierImages = "genplat_verifier_batch_size_sum";

    /// <summary>Orleans' histograms of the size of each message a silo sends to and receives from another (unit suffix as exported).</summary>
    public const string SentMessageSizes = "orleans_messaging_sent_messages_size", ReceivedMessageSizes = "orleans_messaging_received_messages_size";

    /// <summary>Each metric name's value summed over its series (labels), from Prometheus text.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0) continue;
            var name = line[..nameEnd];
            int valueStart = line[nameEnd] == '{' ? line.IndexOf('}', nameEnd) + 1 : nameEnd;
            if (valueStart <= 0) continue;
            var value = line[valueStart..].Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                sums[name] = sums.GetValueOrDefault(name) + v;
        }
        return sums;
    }

    /// <summary>A metric's value in a scrape; 0 when the silo has not exported it.</summary>
    public static double Value(this Dictionary<string, double> metrics, string name) => metrics.GetValueOrDefault(name);

    /// <summary>A histogram's <c>_count</c> or <c>_sum</c>, whatever unit suffix its name carries (<c>name[_unit]_count</c>); 0 when not exported.</summary>
    public static double HistogramPart(this Dictionary<string, double> metrics, string name, string part) =>
        metrics.Where(m => m.Key.StartsWith(name, StringComparison.Ordinal) && m.Key.EndsWith("_" + part, StringComparison.Ordinal)).Sum(m => m.Value);
}
