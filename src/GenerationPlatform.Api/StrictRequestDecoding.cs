using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using GenerationPlatform.Api.V1;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// Binds GenerationService with request marshallers that refuse an undecodable message as INVALID_ARGUMENT
/// ("request: not a valid GetJobRequest"). Grpc.AspNetCore reads a unary or server-streaming request before any
/// interceptor or handler runs, and a parse error there is UNKNOWN with an Error log and a stack trace, before
/// authentication. The framework finds this binding through <see cref="BindServiceMethodAttribute"/> on the
/// service, and server reflection finds <see cref="Descriptor"/> the same way.
/// </summary>
public static class GenerationServiceBinding
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => GenerationService.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, GenerationService.GenerationServiceBase serviceImpl) =>
        GenerationService.BindService(new StrictRequestBinder(serviceBinder), serviceImpl);
}

/// <summary>
/// Server reflection (v1alpha and v1) over the API's services, bound strictly like GenerationService: its requests
/// are read inside the handler of a bidirectional stream, where a parse error is UNKNOWN with an Error log too.
/// </summary>
[BindServiceMethod(typeof(StrictReflection), nameof(BindService))]
public sealed class StrictReflection(IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> services) : Grpc.Reflection.ReflectionServiceImpl(services)
{
    /// <summary>What reflection lists: the services <see cref="ApiServiceCollectionExtensions.MapGenerationApi"/> maps.</summary>
    public static IReadOnlyList<Google.Protobuf.Reflection.ServiceDescriptor> Served { get; } =
    [
        GenerationService.Descriptor, Grpc.Health.V1.Health.Descriptor,
        Grpc.Reflection.V1Alpha.ServerReflection.Descriptor, Grpc.Reflection.V1.ServerReflection.Descriptor,
    ];

    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Grpc.Reflection.V1Alpha.ServerReflection.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionBase serviceImpl) =>
        Grpc.Reflection.V1Alpha.ServerReflection.BindService(new StrictRequestBinder(serviceBinder), serviceImpl);
}

/// <inheritdoc cref="StrictReflection"/>
[BindServiceMethod(typeof(StrictReflectionV1), nameof(BindService))]
public sealed class StrictReflectionV1(IEnumerable<Google.Protobuf.Reflection.ServiceDescriptor> services) : Grpc.Reflection.ReflectionV1ServiceImpl(services)
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Grpc.Reflection.V1.ServerReflection.Descriptor;

    public static void BindService(ServiceBinderBase serviceBinder, Grpc.Reflection.V1.ServerReflection.ServerReflectionBase serviceImpl) =>
        Grpc.Reflection.V1.ServerReflection.BindService(new StrictRequestBinder(serviceBinder), serviceImpl);
}

/// <summary>Passes every method on to the framework's binder with a request marshaller that refuses undecodable bytes.</summary>
internal sealed class StrictRequestBinder(ServiceBinderBase inner) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        inner.AddMethod(Strict(method), handler);

    private static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method) where TRequest : class where TResponse : class
    {
        var decode = method.RequestMarshaller.ContextualDeserializer;
        var status = new Status(StatusCode.InvalidArgument, $"request: not a valid {typeof(TRequest).Name}");
        var marshaller = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return decode(context);
            }
            catch (InvalidProtocolBufferException)
            {
                RefusedRequestMessages.CountUndecodable();
                throw new RpcException(status);
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}

/// <summary>
/// Checks the message a unary or server-streaming call sends before the framework reads it. Its 5-byte header
/// always: a compression flag other than 0 or 1, or a length past the limit, is INVALID_ARGUMENT or
/// RESOURCE_EXHAUSTED (the framework answers UNKNOWN, with an Error log and a stack trace, for a flag of 2 or a
/// length over 2 GiB, before authentication). And, for services bound without <see cref="StrictRequestBinder"/>
/// (the standard health service), an uncompressed message's protobuf wire format: the framework's UNKNOWN again
/// otherwise. Streaming requests (reflection) are left alone: their first message may come late, and the check
/// must not hold the call up.
/// </summary>
public sealed class GrpcRequestFrameCheck(RequestDelegate next, IOptions<RequestLimits> limits)
{
    private const int HeaderSize = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { Method.Type: MethodType.Unary or MethodType.ServerStreaming } method
            && !HttpJson.IsTranscoded(endpoint.Metadata) // an HTTP/JSON route reads JSON (HttpJsonRequestCheck), whatever its Content-Type says
            && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            && await Problem(context, checkWireFormat: method.ServiceType != typeof(GenerationApi)) is { } refusal)
        {
            // A trailers-only answer, as the framework gives for its own refusals.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)refusal.StatusCode).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(refusal.Detail);
            return;
        }
        await next(context);
    }

    private async Task<Status?> Problem(HttpContext context, bool checkWireFormat)
    {
        var reader = context.Request.BodyReader;
        var read = await reader.ReadAtLeastAsync(HeaderSize, context.RequestAborted);
        Span<byte> header = stackalloc byte[HeaderSize];
        bool whole = read.Buffer.Length >= HeaderSize;
        if (whole) read.Buffer.Slice(0, HeaderSize).CopyTo(header);
        reader.AdvanceTo(read.Buffer.Start); // nothing consumed: the framework reads the message as sent
        if (!whole) return null; // too short to be a message: the framework's INTERNAL "Incomplete message."
        if (header[0] > 1)
        {
            RefusedRequestMessages.CountUndecodable();
            return new Status(StatusCode.InvalidArgument, $"request: not a gRPC message (compression flag {header[0]})");
        }
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > limits.Value.MaxReceiveMessageBytes)
        {
            RefusedRequestMessages.CountOversized();
            return new Status(StatusCode.ResourceExhausted, $"request: a message of {length} bytes is over the limit of {limits.Value.MaxReceiveMessageBytes}");
        }
        if (!checkWireFormat || header[0] == 1) return null;
        read = await reader.ReadAtLeastAsync(HeaderSize + (int)length, context.RequestAborted);
        bool valid = read.Buffer.Length < HeaderSize + length || IsWireFormat(read.Buffer.Slice(HeaderSize, length).ToArray());
        reader.AdvanceTo(read.Buffer.Start);
        if (valid) return null; // a short body is the framework's to answer, as above
        RefusedRequestMessages.CountUndecodable();
        return new Status(StatusCode.InvalidArgument, "request: not a protobuf message");
    }

    /// <summary>Whether every field's tag, varint and length reads: what any message type's parser needs first.</summary>
    private static bool IsWireFormat(byte[] message)
    {
        try
        {
            var input = new CodedInputStream(message);
            while (input.ReadTag() != 0) input.SkipLastField();
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }
}

/// <summary>
/// A compression provider whose decompression stops one byte past the largest request message: a small
/// compressed message cannot inflate to a large one (the framework checks only the compressed length, then
/// copies the whole decompressed stream). Past the limit: RESOURCE_EXHAUSTED; corrupt data: INVALID_ARGUMENT.
/// </summary>
internal sealed class CappedDecompression(ICompressionProvider inner, int maxMessageBytes) : ICompressionProvider
{
    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new CappedReadStream(inner.CreateDecompressionStream(stream), maxMessageBytes, EncodingName);

    private sealed class CappedReadStream(Stream inner, int maxBytes, string encoding) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            // Never ask for more than one byte past the limit, so the decompressor never inflates more than that.
            long room = maxBytes - read + 1;
            if (buffer.Length > room) buffer = buffer[..(int)room];
            int n;
            try
            {
                n = inner.Read(buffer);
            }
            catch (InvalidDataException)
            {
                RefusedRequestMessages.CountUndecodable();
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"request: not valid {encoding} data"));
            }
            read += n;
            if (read > maxBytes)
            {
                RefusedRequestMessages.CountOversized();
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"request: over {maxBytes} bytes once decompressed"));
            }
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

public static class GrpcRequestFrameCheckExtensions
{
    /// <summary>Refuses malformed request messages of gRPC calls; after routing (it reads the endpoint), before the endpoints.</summary>
    public static IApplicationBuilder UseGrpcRequestFrameCheck(this IApplicationBuilder app) => app.UseMiddleware<GrpcRequestFrameCheck>();
}

/// <summary>
/// Counts request messages refused before authentication (undecodable, or over the limit once decompressed).
/// They are not logged one by one: a flood of them must not flood the log; <see cref="RefusedRequestReporter"/>
/// logs the counts at most once a period. Static because the marshallers are bound once per process, without DI.
/// </summary>
internal static class RefusedRequestMessages
{
    private static long undecodable, oversized;

    public static void CountUndecodable() => Interlocked.Increment(ref undecodable);

    public static void CountOversized() => Interlocked.Increment(ref oversized);

    /// <summary>The counts since the last call.</summary>
    public static (long Undecodable, long Oversized) Take() => (Interlocked.Exchange(ref undecodable, 0), Interlocked.Exchange(ref oversized, 0));
}

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
