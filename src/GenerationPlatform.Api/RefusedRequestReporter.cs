using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Api;

/// <summary>One Warning per period with the refused messages' counts, and nothing when there were none.</summary>
internal sealed class RefusedRequestReporter(ILogger<RefusedRequestReporter> logger, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) Report();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Report();
        }
    }

    private void Report()
    {
        var (undecodable, oversized) = RefusedRequestMessages.Take();
        if (undecodable + oversized > 0) ApiLog.RefusedMessages(logger, undecodable, oversized, Period);
    }
}
