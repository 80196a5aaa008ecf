using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GenerationPlatform.Configuration;

/// <summary>
/// Options that follow their configuration section while the host runs (a reloaded appsettings.json, a Kubernetes Secret
/// mounted as a key-per-file folder), checked as at start: what <c>IOptionsMonitor&lt;T&gt;</c> would give, except that a
/// reload that fails its check keeps the last good value and logs an Error listing the problems, each naming its key. (The
/// monitor instead throws on the thread that reloaded and forgets its value, so that every later read throws:
/// dotnet/runtime#44381.) Registered by <see cref="ValidatedOptions.AddReloadedOptions"/>, whose start check refuses a bad
/// first value as for every options.
/// </summary>
public sealed class ReloadedOptions<T> : IDisposable where T : class, new()
{
    private readonly IConfiguration configuration;
    private readonly string section;
    private readonly Func<T, IEnumerable<string>> problems;
    private readonly ILogger logger;
    private readonly IDisposable registration;
    private readonly Lock gate = new();
    private T current;

    public ReloadedOptions(IConfiguration configuration, string section, Func<T, IEnumerable<string>> problems, ILogger<ReloadedOptions<T>> logger)
    {
        (this.configuration, this.section, this.problems, this.logger) = (configuration, section, problems, logger);
        current = configuration.BindValidated(section, problems);
        registration = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    /// <summary>The last value that passed its check.</summary>
    public T Current => Volatile.Read(ref current);

    /// <summary>Raised after a reload that passed its check, with the new value (on the thread that reloaded).</summary>
    public event Action<T>? Changed;

    private void Reload()
    {
        T next;
        lock (gate)
        {
            try
            {
                next = configuration.BindValidated(section, problems);
            }
            catch (OptionsValidationException e)
            {
                ReloadedOptionsLog.Refused(logger, section, string.Join("; ", e.Failures));
                return;
            }
            Volatile.Write(ref current, next);
        }
        Changed?.Invoke(next);
    }

    public void Dispose() => registration.Dispose();
}
