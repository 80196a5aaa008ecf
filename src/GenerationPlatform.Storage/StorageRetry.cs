using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Storage;

/// <summary>
/// Exponential backoff for one store: <see cref="Begin"/> starts the clock of one WriteAsync/ReadAsync call, whose
/// operations then share its <see cref="ResultStoreRetryOptions.TimeLimit"/>.
/// </summary>
internal sealed partial class StorageRetry(ResultStoreRetryOptions options, StorageMetrics metrics, string storeKind,
    Func<Exception, bool> isTransient, ILogger logger)
{
    public ResultStoreRetryOptions Options { get; } = options;
    private StorageMetrics Metrics { get; } = metrics;
    private string StoreKind { get; } = storeKind;
    private Func<Exception, bool> IsTransient { get; } = isTransient;
    private ILogger Logger { get; } = logger;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{StoreKind} result store: {Operation} of {Target} for {What} failed (attempt {Attempt}); retrying in {DelayMs} ms: {Cause}")]
    private static partial void LogRetry(ILogger logger, string storeKind, string operation, string target, string what, int attempt,
        long delayMs, string cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Message}")]
    private static partial void LogGaveUp(ILogger logger, string message, Exception cause);

    /// <summary>Starts one write's clock: it may retry for <see cref="ResultStoreRetryOptions.TimeLimit"/>.</summary>
    public StorageCall Begin(string what, CancellationToken cancellationToken) => new(this, what, cancellationToken, Options.TimeLimit);

    /// <summary>Starts one read's clock: a caller waits for it, so it may retry only for <see cref="ResultStoreRetryOptions.ReadTimeLimit"/>.</summary>
    public StorageCall BeginRead(string what, CancellationToken cancellationToken) => new(this, what, cancellationToken, Options.ReadTimeLimit);

    internal TimeSpan NominalDelay(int failedAttempts)
    {
        // InitialDelay * 2^(n-1), capped; the exponent is capped too so the double never overflows.
        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var ms = Math.Min(Options.InitialDelay.TotalMilliseconds * factor, Options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    internal sealed class StorageCall : IDisposable
    {
        private readonly StorageRetry _retry;
        private readonly string _what;
        private readonly CancellationToken _callerToken;
        private readonly CancellationTokenSource _deadline;
        private readonly CancellationTokenSource _linked;
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        private readonly TimeSpan _limit;

        internal StorageCall(StorageRetry retry, string what, CancellationToken callerToken, TimeSpan limit)
        {
            _retry = retry;
            _what = what;
            _callerToken = callerToken;
            _limit = limit;
            _deadline = new CancellationTokenSource(limit);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadline.Token);
        }

        public Task RunAsync(string operation, string target, Func<CancellationToken, Task> action) =>
            RunAsync<bool>(operation, target, async token => { await action(token).ConfigureAwait(false); return true; });

        public async Task<T> RunAsync<T>(string operation, string target, Func<CancellationToken, Task<T>> action)
        {
            var options = _retry.Options;
            Exception? lastFailure = null;
            for (var attempt = 1; ; attempt++)
            {
                _callerToken.ThrowIfCancellationRequested();
                if (_deadline.IsCancellationRequested)
                    throw Failure(operation, target, attempt - 1, $"time limit {_limit} reached",
                        lastFailure ?? new TimeoutException("The call's earlier operations used up its time limit."));
                try
                {
                    return await action(_linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_callerToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex) when (ex is not ArgumentException)
                {
                    var timedOut = _deadline.IsCancellationRequested;
                    // An attempt cut off by the time limit says only "canceled": the failure before it is the cause.
                    var cause = timedOut && ex is OperationCanceledException && lastFailure is not null ? lastFailure : ex;
                    lastFailure = cause;
                    var transient = timedOut || _retry.IsTransient(ex);
                    var jitter = 0.8 + 0.4 * Random.Shared.NextDouble();
                    var delay = TimeSpan.FromMilliseconds(_retry.NominalDelay(attempt).TotalMilliseconds * jitter);
                    // No point waiting when the next attempt would start after the time limit.
                    var pastLimit = timedOut || _clock.Elapsed + delay >= _limit;
                    var willRetry = transient && !pastLimit && attempt < options.MaxAttempts;
                    _retry.Metrics.RecordError(_retry.StoreKind, operation, willRetry);
                    if (!willRetry)
                    {
                        var reason = !transient ? "not transient"
                            : pastLimit ? $"time limit {_limit} reached"
                            : $"{options.MaxAttempts} attempts made";
                        throw Failure(operation, target, attempt, reason, cause);
                    }
                    LogRetry(_retry.Logger, _retry.StoreKind, operation, target, _what, attempt, (long)delay.TotalMilliseconds, Describe(cause));

                    try
                    {
                        await Task.Delay(delay, _linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!_callerToken.IsCancellationRequested)
                    {
                        throw Failure(operation, target, attempt, $"time limit {_limit} reached", cause);
                    }
                }
            }
        }

        private ResultStoreException Failure(string operation, string target, int attempts, string reason, Exception cause)
        {
            var failure = new ResultStoreException(
                $"{_retry.StoreKind} result store: {operation} of {target} for {_what} failed after {attempts} attempt(s) " +
                $"in {_clock.Elapsed.TotalSeconds:0.0} s ({reason}): {Describe(cause)}", cause);
            LogGaveUp(_retry.Logger, failure.Message, cause);
            return failure;
        }

        public void Dispose()
        {
            _linked.Dispose();
            _deadline.Dispose();
        }
    }

    /// <summary>The exception chain as "Type: first line -> Type: first line", so the cause is readable in one message.</summary>
    internal static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (Exception? e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var line = e.Message.Split('\n', 2)[0].Trim();
            if (e is Azure.RequestFailedException { Status: > 0 } rfe)
                line = $"HTTP {rfe.Status} {rfe.ErrorCode}: {line}";
            parts.Add($"{e.GetType().Name}: {line}");
        }
        return string.Join(" -> ", parts);
    }
}
