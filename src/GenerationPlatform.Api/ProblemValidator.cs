namespace GenerationPlatform.Api;

/// <summary>Reports the first problem of an options object, with the configuration key in the message.</summary>
internal sealed class ProblemValidator<T>(Func<T, string?> problem) : Microsoft.Extensions.Options.IValidateOptions<T> where T : class
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, T options) =>
        problem(options) is { } p ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(p) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
