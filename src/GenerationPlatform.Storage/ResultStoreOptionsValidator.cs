using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Storage;

/// <summary>Checks <see cref="ResultStoreOptions"/> with messages that name the configuration key.</summary>
public sealed partial class ResultStoreOptionsValidator : IValidateOptions<ResultStoreOptions>
{
    private const string Section = ResultStoreOptions.SectionName;

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerName();

    internal static bool IsKind(string? value, string kind) => string.Equals(value?.Trim(), kind, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ResultStoreOptions options)
    {
        var failures = new List<string>();
        if (IsKind(options.Kind, ResultStoreOptions.FolderKind))
        {
            if (string.IsNullOrWhiteSpace(options.Path))
                failures.Add($"{Section}:Path must name the results folder when {Section}:Kind is 'folder'.");
            else
            {
                try { _ = Path.GetFullPath(options.Path); }
                catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
                { failures.Add($"{Section}:Path '{options.Path}' is not a valid path: {e.Message}"); }
            }
        }
        else if (IsKind(options.Kind, ResultStoreOptions.BlobKind))
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                failures.Add($"{Section}:ConnectionString is required when {Section}:Kind is 'blob'.");
            else
            {
                try { _ = new BlobServiceClient(options.ConnectionString); }
                catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
                { failures.Add($"{Section}:ConnectionString is not a valid Azure Storage connection string ({e.GetType().Name})."); }
            }
            if (options.Container is null || !ContainerName().IsMatch(options.Container))
                failures.Add($"{Section}:Container '{options.Container}' is not a valid container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
        else
        {
            failures.Add($"{Section}:Kind must be 'folder' or 'blob' (got '{options.Kind}').");
        }

        var retry = options.Retry;
        const string R = Section + ":Retry";
        if (retry is null) failures.Add($"{R} must not be null.");
        else
        {
            if (retry.MaxAttempts < 1) failures.Add($"{R}:MaxAttempts must be at least 1 (got {retry.MaxAttempts}).");
            if (retry.InitialDelay < TimeSpan.Zero) failures.Add($"{R}:InitialDelay must not be negative (got {retry.InitialDelay}).");
            if (retry.MaxDelay < retry.InitialDelay)
                failures.Add($"{R}:MaxDelay ({retry.MaxDelay}) must be at least {R}:InitialDelay ({retry.InitialDelay}).");
            if (retry.TimeLimit <= TimeSpan.Zero || retry.TimeLimit > TimeSpan.FromDays(1))
                failures.Add($"{R}:TimeLimit must be positive and at most one day (got {retry.TimeLimit}).");
            if (retry.ReadTimeLimit <= TimeSpan.Zero || retry.ReadTimeLimit > TimeSpan.FromMinutes(5))
                failures.Add($"{R}:ReadTimeLimit must be positive and at most five minutes (got {retry.ReadTimeLimit}).");
            if (retry.AttemptTimeout <= TimeSpan.Zero) failures.Add($"{R}:AttemptTimeout must be positive (got {retry.AttemptTimeout}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
