namespace Conduit.Local.Gateway;

/// <summary>
/// The upgraded connection's stream, passed through unchanged while the frame headers the client sends (RFC 6455
/// section 5.2) are read on the way, to find a frame whose payload is over <paramref name="maxFrameBytes"/>.
/// </summary>
internal sealed class ClientFrameWatchStream(Stream inner, int maxFrameBytes, ClientFrameWatch watch) : Stream
{
    private readonly byte[] _header = new byte[14];
    private int _headerLength;
    private int _headerNeeded = 2;
    private long _payloadLeft;
    private int _completedMessages;
    private bool _done;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Watch(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Watch(buffer.AsSpan(offset, read));
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Watch(ReadOnlySpan<byte> bytes)
    {
        while (!_done && !bytes.IsEmpty)
        {
            if (_payloadLeft > 0)
            {
                var skip = (int)Math.Min(_payloadLeft, bytes.Length);
                _payloadLeft -= skip;
                bytes = bytes[skip..];
                continue;
            }
            _header[_headerLength++] = bytes[0];
            bytes = bytes[1..];
            if (_headerLength == 2)
            {
                var length7 = _header[1] & 0x7F;
                var masked = (_header[1] & 0x80) != 0;
                _headerNeeded = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            }
            if (_headerLength == _headerNeeded) EndHeader();
        }
    }

    private void EndHeader()
    {
        var length7 = _header[1] & 0x7F;
        var payload = length7 switch
        {
            126 => (_header[2] << 8) | _header[3],
            127 => (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2, 8)),
            _ => length7,
        };
        var final = (_header[0] & 0x80) != 0;
        var control = (_header[0] & 0x08) != 0;
        if (payload > maxFrameBytes || payload < 0)
        {
            watch.Oversized(_completedMessages);
            _done = true;
            return;
        }
        if (final && !control) _completedMessages++;
        _payloadLeft = payload;
        _headerLength = 0;
        _headerNeeded = 2;
    }
}
