using System.Text.Json;
using Azure.Storage.Blobs;
using GenerationPlatform.Api.V1;
using Grpc.Core;
using SkiaSharp;

namespace GenerationPlatform.Cluster.Tests.Support;

/// <summary>A tenant's request and, once submitted, its job id.</summary>
public sealed record TenantJob(string Tenant, GenerateRequest Request)
{
    public string JobId { get; set; } = "";
}

/// <summary>Submitting, following and checking jobs on a <see cref="PlatformCluster"/>, through the public gRPC API only.</summary>
public static class Jobs
{
    public const string Model = "velocity-unet", Verifier = "classifier";

    /// <summary>
    /// A small real job on the shipped model: Euler, 4 steps (4 NFE a candidate), random search over
    /// <paramref name="candidates"/> candidates in rounds of 16, top 2, no guidance branch (cheap on 2 cores).
    /// </summary>
    public static GenerateRequest Request(ulong seed, string @class, int candidates) => new()
    {
        Model = Model,
        Class = @class,
        Algorithm = "random",
        Verifier = Verifier,
        BudgetNfe = 4L * candidates,
        TopK = 2,
        Steps = 4,
        Sampler = Sampler.Euler,
        Guidance = 1f,
        Seed = seed,
    };

    /// <summary>Submits each job through the running silos in turn (job i through silo i mod N).</summary>
    public static async Task SubmitAsync(PlatformCluster cluster, IReadOnlyList<TenantJob> jobs, CancellationToken cancellationToken)
    {
        var silos = cluster.Running.ToList();
        for (int i = 0; i < jobs.Count; i++)
        {
            using var client = cluster.Client(silos[i % silos.Count], jobs[i].Tenant);
            jobs[i].JobId = (await client.SubmitAsync(jobs[i].Request, cancellationToken)).JobId;
        }
    }

    /// <summary>
    /// The job's state from the first running silo that answers (a silo that is down or a call that hits a silo not yet
    /// known to be dead is skipped; each call is bounded by a gRPC deadline).
    /// </summary>
    public static async Task<Job> GetAsync(PlatformCluster cluster, TenantJob job, CancellationToken cancellationToken)
    {
        RpcException? last = null;
        foreach (var silo in cluster.Running)
        {
            using var client = cluster.Client(silo, job.Tenant);
            try
            {
                return await client.Raw.GetJobAsync(new GetJobRequest { JobId = job.JobId },
                    deadline: DateTime.UtcNow.AddSeconds(15), cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
            {
                last = e;
            }
        }
        throw new InvalidOperationException($"no running silo answered GetJob({job.JobId})", last);
    }

    /// <summary>Polls until every job has ended (any terminal state); returns their final states in order.</summary>
    public static async Task<Job[]> WaitEndedAsync(PlatformCluster cluster, IReadOnlyList<TenantJob> jobs, CancellationToken cancellationToken)
    {
        var ended = new Job?[jobs.Count];
        while (true)
        {
            for (int i = 0; i < jobs.Count; i++)
            {
                if (ended[i] is not null) continue;
                Job state;
                try { state = await GetAsync(cluster, jobs[i], cancellationToken); }
                catch (InvalidOperationException) { continue; } // the cluster is still noticing a dead silo: ask again
                if (state.State != JobState.Running) ended[i] = state;
            }
            if (ended.All(j => j is not null)) return ended!;
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Reads the job's stored result.json and PNGs from blob storage and checks they are what the job reported.</summary>
    public static async Task AssertStoredAsync(BlobContainerClient container, TenantJob job, JobResult result, CancellationToken cancellationToken)
    {
        var prefix = $"{job.Tenant}/{job.JobId}/";
        var json = await container.GetBlobClient(prefix + "result.json").DownloadContentAsync(cancellationToken);
        using var record = JsonDocument.Parse(json.Value.Content.ToMemory());
        Assert.Equal(job.JobId, record.RootElement.GetProperty("jobId").GetString());
        Assert.Equal(job.Tenant, record.RootElement.GetProperty("tenant").GetString());
        var top = record.RootElement.GetProperty("top");
        Assert.Equal(result.Images.Count, top.GetArrayLength());
        for (int k = 0; k < result.Images.Count; k++)
        {
            Assert.Equal(result.Images[k].Seed.Candidate, top[k].GetProperty("seed").GetProperty("candidate").GetUInt32());
            Assert.Equal(result.Images[k].Score, top[k].GetProperty("score").GetDouble());
            var png = await container.GetBlobClient($"{prefix}top-{k + 1}.png").DownloadContentAsync(cancellationToken);
            Assert.Equal(result.Images[k].Png.ToByteArray(), png.Value.Content.ToArray());
        }
    }

    /// <summary>8-bit gray pixels of a PNG.</summary>
    public static byte[] Pixels(byte[] png)
    {
        using var decoded = SKBitmap.Decode(png) ?? throw new ArgumentException("not a decodable image");
        using var gray = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        Assert.True(decoded.CopyTo(gray, SKColorType.Gray8));
        return gray.GetPixelSpan().ToArray();
    }
}
