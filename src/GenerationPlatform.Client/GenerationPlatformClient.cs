using System.Runtime.CompilerServices;
using GenerationPlatform.Api.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace GenerationPlatform.Client;

/// <summary>
/// A tenant's typed client for generation.v1.GenerationService. Every call carries
/// <c>authorization: Bearer &lt;key&gt;</c>; failures surface as <see cref="RpcException"/> with the
/// server's status code. A stream the server ends for its age (DEADLINE_EXCEEDED with the index to go
/// on from) is re-attached with Watch, so updates arrive as one stream. Dispose it to close the channel.
/// </summary>
public sealed class GenerationPlatformClient : IDisposable
{
    /// <summary>The trailer with which the server ends a stream that reached its maximum age: the index to re-attach from.</summary>
    public const string NextIndexTrailer = "genplat-next-index";

    private readonly GrpcChannel channel;
    private readonly GenerationService.GenerationServiceClient client;

    /// <param name="address">The server's gRPC address, e.g. http://127.0.0.1:5080 (h2c) or https://... .</param>
    /// <param name="apiKey">The tenant's API key.</param>
    /// <param name="maxReceiveMessageBytes">The largest response accepted (results carry PNGs).</param>
    /// <param name="allowPlaintextKey">
    /// Send the key over plaintext (h2c) to a host that is not this machine. Off by default: anyone on the path would read
    /// it; the embedded server on loopback needs no TLS, a remote one is reached through TLS (https).
    /// </param>
    public GenerationPlatformClient(Uri address, string apiKey, int maxReceiveMessageBytes = 8 * 1024 * 1024, bool allowPlaintextKey = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        if (address.Scheme != Uri.UriSchemeHttps && !address.IsLoopback && !allowPlaintextKey)
            throw new ArgumentException($"refusing to send the API key over plaintext to {address.Host}: use an https address, or allow it explicitly " +
                "(allowPlaintextKey; genplat --insecure)", nameof(address));
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {apiKey}");
            return Task.CompletedTask;
        });
        channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // Bearer keys over plain h2c too: the embedded server listens on loopback without TLS.
            Credentials = ChannelCredentials.Create(address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = address.Scheme != Uri.UriSchemeHttps,
            MaxReceiveMessageSize = maxReceiveMessageBytes,
        });
        client = new GenerationService.GenerationServiceClient(channel);
    }

    /// <summary>The generated client, for calls with options this class does not expose.</summary>
    public GenerationService.GenerationServiceClient Raw => client;

    /// <summary>Submits a job and yields its updates: accepted, progress..., then the result or how it ended.</summary>
    public IAsyncEnumerable<JobUpdate> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken = default) =>
        Follow(client.Generate(request, cancellationToken: cancellationToken), jobId: null, cancellationToken);

    /// <summary>Submits a job; follow it with <see cref="WatchAsync"/> or <see cref="GetJobAsync"/>.</summary>
    public async Task<SubmitResponse> SubmitAsync(GenerateRequest request, CancellationToken cancellationToken = default) =>
        await client.SubmitAsync(request, cancellationToken: cancellationToken);

    /// <summary>A job's updates from <paramref name="fromIndex"/> (0: all of them), then live until it ends.</summary>
    public IAsyncEnumerable<JobUpdate> WatchAsync(string jobId, int fromIndex = 0, CancellationToken cancellationToken = default) =>
        Follow(client.Watch(new WatchRequest { JobId = jobId, FromIndex = fromIndex }, cancellationToken: cancellationToken), jobId, cancellationToken);

    public async Task<Job> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        await client.GetJobAsync(new GetJobRequest { JobId = jobId }, cancellationToken: cancellationToken);

    public async Task<CancelResponse> CancelAsync(string jobId, CancellationToken cancellationToken = default) =>
        await client.CancelAsync(new CancelRequest { JobId = jobId }, cancellationToken: cancellationToken);

    /// <summary>
    /// One page of the caller's jobs, newest first: of <paramref name="state"/> (Unspecified: every state), at most
    /// <paramref name="pageSize"/> (0: the server's default), after <paramref name="pageToken"/> (a previous page's
    /// <c>NextPageToken</c>; empty: the first page).
    /// </summary>
    public async Task<ListJobsResponse> ListJobsAsync(JobState state = JobState.Unspecified, int pageSize = 0, string pageToken = "",
        CancellationToken cancellationToken = default) =>
        await client.ListJobsAsync(new ListJobsRequest { State = state, PageSize = pageSize, PageToken = pageToken }, cancellationToken: cancellationToken);

    /// <summary>Every job of the caller's (of <paramref name="state"/>), newest first, page after page.</summary>
    public async IAsyncEnumerable<JobSummary> ListAllJobsAsync(JobState state = JobState.Unspecified,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var token = "";
        do
        {
            var page = await ListJobsAsync(state, 0, token, cancellationToken);
            foreach (var job in page.Jobs) yield return job;
            token = page.NextPageToken;
        }
        while (token.Length > 0);
    }

    /// <summary>Deletes an ended job: its result, state and history (FAILED_PRECONDITION while it runs). Deleted is false when it was gone already.</summary>
    public async Task<DeleteJobResponse> DeleteJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        await client.DeleteJobAsync(new DeleteJobRequest { JobId = jobId }, cancellationToken: cancellationToken);

    public async Task<ListModelsResponse> ListModelsAsync(CancellationToken cancellationToken = default) =>
        await client.ListModelsAsync(new ListModelsRequest(), cancellationToken: cancellationToken);

    public async Task<ListVerifiersResponse> ListVerifiersAsync(CancellationToken cancellationToken = default) =>
        await client.ListVerifiersAsync(new ListVerifiersRequest(), cancellationToken: cancellationToken);

    public async Task<Usage> GetUsageAsync(CancellationToken cancellationToken = default) =>
        await client.GetUsageAsync(new GetUsageRequest(), cancellationToken: cancellationToken);

    /// <summary>Runs a job to its end and returns its terminal update (a result, or how it ended).</summary>
    public async Task<JobUpdate> GenerateToEndAsync(GenerateRequest request, CancellationToken cancellationToken = default)
    {
        JobUpdate? last = null;
        await foreach (var update in GenerateAsync(request, cancellationToken)) last = update;
        return last is { UpdateCase: JobUpdate.UpdateOneofCase.Result or JobUpdate.UpdateOneofCase.Ended }
            ? last
            : throw new InvalidOperationException("the stream ended without a terminal update");
    }

    /// <summary>Yields a stream's updates; when the server ends it for its age, goes on with Watch from the index it names.</summary>
    private async IAsyncEnumerable<JobUpdate> Follow(AsyncServerStreamingCall<JobUpdate> call, string? jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            int next;
            using (call)
            {
                while (true)
                {
                    try
                    {
                        if (!await call.ResponseStream.MoveNext(cancellationToken)) yield break;
                    }
                    catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded && jobId is not null && NextIndex(e) is { } index)
                    {
                        next = index;
                        break;
                    }
                    jobId ??= call.ResponseStream.Current.JobId;
                    yield return call.ResponseStream.Current;
                }
            }
            call = client.Watch(new WatchRequest { JobId = jobId, FromIndex = next }, cancellationToken: cancellationToken);
        }
    }

    private static int? NextIndex(RpcException e) =>
        int.TryParse(e.Trailers.GetValue(NextIndexTrailer), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index : null;

    public void Dispose() => channel.Dispose();
}
