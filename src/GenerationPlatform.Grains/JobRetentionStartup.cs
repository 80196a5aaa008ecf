using GenerationPlatform.Contracts;
using GenerationPlatform.Storage;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>Schedules the retention sweep once the silo is active, when retention is on (its own reminder removes itself when it is turned off).</summary>
internal sealed class JobRetentionStartup(IGrainFactory grains, IOptions<ResultStoreOptions> results) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JobRetentionStartup), ServiceLifecycleStage.Active, async cancellationToken =>
        {
            if (results.Value.RetentionDays > 0) await grains.GetGrain<IJobRetentionGrain>(0).ScheduleAsync(cancellationToken);
        });
}
