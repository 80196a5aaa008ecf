using System.Globalization;
using GenerationPlatform.Api.V1;

namespace GenerationPlatform.Cli.Tenant;

/// <summary>A job update as one line of text (what genplat watch and submit --wait print).</summary>
internal static class UpdateLine
{
    public static string Of(JobUpdate u) => u.UpdateCase switch
    {
        JobUpdate.UpdateOneofCase.Accepted => $"{u.Index} accepted {u.JobId}: seed {u.Accepted.Seed}, budget {u.Accepted.BudgetNfe} NFE",
        JobUpdate.UpdateOneofCase.Progress => string.Create(CultureInfo.InvariantCulture,
            $"{u.Index} round {u.Progress.Round}: {u.Progress.Nfe.Search + u.Progress.Nfe.Final}/{u.Progress.Nfe.Budget} NFE, best {u.Progress.BestScore:F4}"),
        JobUpdate.UpdateOneofCase.Result => string.Create(CultureInfo.InvariantCulture,
            $"{u.Index} completed: {u.Result.Images.Count} images, best {(u.Result.Images.Count > 0 ? u.Result.Images[0].Score : double.NaN):F4}, " +
            $"{u.Result.Nfe.Search + u.Result.Nfe.Final} NFE ({u.Result.StopReason}), stored at {u.Result.ResultLocation}"),
        JobUpdate.UpdateOneofCase.Ended => $"{u.Index} {u.Ended.State}: {u.Ended.Message}",
        _ => $"{u.Index} ?",
    };
}
