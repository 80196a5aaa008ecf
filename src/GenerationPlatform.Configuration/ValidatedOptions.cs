using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Configuration;

/// <summary>
/// The one way options are read: bound from their configuration section and checked by a function that lists every
/// problem, each naming its key (<c>GenerationPlatform:Jobs:MaxEvents must be at least 2 (got 1)</c>). Registered
/// options fail the host's start (<see cref="OptionsValidationException"/>, via ValidateOnStart); options a host needs
/// while it is being built are bound and checked at once by <see cref="BindValidated"/>, with the same exception.
/// </summary>
public static class ValidatedOptions
{
    /// <param name="configuration">Where to bind from; default: the host's configuration.</param>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section, Func<T, IEnumerable<string>> problems,
        IConfiguration? configuration = null) where T : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new ProblemsValidator<T>(problems)));
        var options = services.AddOptions<T>();
        return (configuration is null ? options.BindConfiguration(section) : options.Bind(configuration.GetSection(section))).ValidateOnStart();
    }

    /// <summary>
    /// Options that follow their section while the host runs: <see cref="ReloadedOptions{T}"/>, checked at start as
    /// <see cref="AddValidatedOptions"/> does (<c>IOptions&lt;T&gt;</c> keeps the first value; only the reloaded ones follow).
    /// </summary>
    public static IServiceCollection AddReloadedOptions<T>(this IServiceCollection services, string section, Func<T, IEnumerable<string>> problems) where T : class, new()
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new ProblemsValidator<T>(problems)));
        // Bound without a change token, so that IOptionsMonitor<T> (behind the start check) never rebinds: ReloadedOptions does.
        services.AddOptions<T>().Configure<IConfiguration>((o, configuration) => configuration.GetSection(section).Bind(o)).ValidateOnStart();
        services.TryAddSingleton(sp => new ReloadedOptions<T>(sp.GetRequiredService<IConfiguration>(), section, problems,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ReloadedOptions<T>>>()));
        return services;
    }

    /// <summary>The options of <paramref name="section"/>, bound and checked now; throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static T BindValidated<T>(this IConfiguration configuration, string section, Func<T, IEnumerable<string>> problems) where T : class, new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(section, typeof(T), [$"{section}: {e.Message}"]);
        }
        var found = problems(options).ToList();
        return found.Count == 0 ? options : throw new OptionsValidationException(section, typeof(T), found);
    }

    private sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            problems(options).ToList() is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }
}
