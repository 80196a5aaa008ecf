using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// Checks a gRPC call's binary headers (<see cref="BinaryHeaders"/>: INVALID_ARGUMENT naming one that is not base64), then
/// the message a unary or server-streaming call sends before the framework reads it. Its 5-byte header
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
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null
            && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            && BinaryHeaders.Problem(context.Request.Headers) is { } header)
        {
            RefusedRequestMessages.CountUndecodable();
            Refuse(context, new Status(StatusCode.InvalidArgument, header));
            return;
        }
        if (context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { Method.Type: MethodType.Unary or MethodType.ServerStreaming } method
            && !HttpJson.IsTranscoded(endpoint.Metadata) // an HTTP/JSON route reads JSON (HttpJsonRequestCheck), whatever its Content-Type says
            && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            && await Problem(context, checkWireFormat: method.ServiceType != typeof(GenerationApi)) is { } refusal)
        {
            Refuse(context, refusal);
            return;
        }
        await next(context);
    }

    /// <summary>A trailers-only answer, as the framework gives for its own refusals.</summary>
    private static void Refuse(HttpContext context, Status refusal)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)refusal.StatusCode).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(refusal.Detail);
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
