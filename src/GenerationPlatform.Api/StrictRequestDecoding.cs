using System.IO.Compression;
using GenerationPlatform.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Compression;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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
