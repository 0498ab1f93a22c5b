using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Conduit.Local.Gateway;

/// <summary>
/// A socket's byte stream with the client's frame headers (RFC 6455 section 5.2) read on the way in, for two things a
/// .NET WebSocket does not do as API Gateway does:
/// <list type="bullet">
/// <item>Every client text message is handed to the socket as binary, its real type noted in arrival order. .NET checks
/// a text message's UTF-8 itself and, on a bad byte, sends 1007 without a reason and aborts the socket; read as binary,
/// the check is the gateway's, which closes with 1007, a reason and a proper close.</item>
/// <item>A frame whose payload is over <paramref name="maxFrameBytes"/> is noted: API Gateway closes such a connection
/// with 1009 however small the message, and a socket does not say where frames end.</item>
/// </list>
/// Payloads pass through untouched.
/// </summary>
internal sealed class ClientFrameStream(Stream inner, int maxFrameBytes) : Stream
{
    private const int TextOpcode = 0x1;
    private const int BinaryOpcode = 0x2;

    private readonly ConcurrentQueue<bool> _messageIsText = new();
    private readonly byte[] _header = new byte[14];
    private int _headerLength;
    private int _headerNeeded = 2;
    private long _payloadLeft;
    private int _completedMessages;
    private int _oversizedAfter = -1;

    /// <summary>Whether the next message the socket delivers was sent as text; call once per message, in order.</summary>
    public bool NextMessageWasText() => _messageIsText.TryDequeue(out var text) && text;

    /// <summary>
    /// True when the client sent a frame over the quota within message number <paramref name="messagesRead"/> (counting
    /// from 0) or before it; messages that ended before that frame are not affected.
    /// </summary>
    public bool OversizedBy(int messagesRead) => Volatile.Read(ref _oversizedAfter) is var after && after >= 0 && after <= messagesRead;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Mark(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Mark(buffer.AsSpan(offset, read));
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

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Walks the frame headers in <paramref name="bytes"/>, which may start or end anywhere in a frame.</summary>
    private void Mark(Span<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length && _oversizedAfter < 0)
        {
            if (_payloadLeft > 0)
            {
                var skipped = (int)Math.Min(_payloadLeft, bytes.Length - i);
                _payloadLeft -= skipped;
                i += skipped;
                continue;
            }
            if (_headerLength == 0) bytes[i] = MarkFirstByte(bytes[i]);
            _header[_headerLength++] = bytes[i++];
            if (_headerLength == 2) _headerNeeded = 2 + ExtendedLengthBytes(_header[1]) + ((_header[1] & 0x80) != 0 ? 4 : 0);
            if (_headerLength == _headerNeeded) EndHeader();
        }
    }

    /// <summary>After an oversized frame nothing more is read: the gateway closes the connection at its next message.</summary>
    private void EndHeader()
    {
        var payload = PayloadLength();
        if (payload > maxFrameBytes)
        {
            Volatile.Write(ref _oversizedAfter, _completedMessages);
            return;
        }
        var final = (_header[0] & 0x80) != 0;
        var control = (_header[0] & 0x08) != 0;
        if (final && !control) _completedMessages++;
        _payloadLeft = payload;
        _headerLength = 0;
        _headerNeeded = 2;
    }

    /// <summary>A message's first frame carries its type; continuation and control frames pass as they are.</summary>
    private byte MarkFirstByte(byte first)
    {
        switch (first & 0x0F)
        {
            case TextOpcode:
                _messageIsText.Enqueue(true);
                return (byte)((first & 0xF0) | BinaryOpcode);
            case BinaryOpcode:
                _messageIsText.Enqueue(false);
                return first;
            default:
                return first;
        }
    }

    private static int ExtendedLengthBytes(byte second) => (second & 0x7F) switch
    {
        126 => 2,
        127 => 8,
        _ => 0,
    };

    private long PayloadLength() => (_header[1] & 0x7F) switch
    {
        126 => BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2, 2)),
        127 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2, 8)), long.MaxValue),
        var length => length,
    };
}
