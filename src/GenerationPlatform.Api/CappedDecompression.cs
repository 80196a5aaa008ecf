using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace GenerationPlatform.Api;

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
