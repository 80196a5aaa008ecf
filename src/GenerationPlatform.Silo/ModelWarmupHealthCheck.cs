using GenerationPlatform.Grains;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GenerationPlatform.Silo;

/// <summary>Ready once the silo's models are warm (<see cref="ModelWarmup"/>): loaded, their batch caps settled, their networks called once.</summary>
public sealed class ModelWarmupHealthCheck(ModelWarmup warmup) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(warmup.Completion.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy($"models warm in {warmup.Completion.Result.Elapsed.TotalSeconds:F1} s")
            : HealthCheckResult.Unhealthy("warming the models: loading them and settling their batch caps"));
}
