using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;

namespace Conduit.Aws.BedrockRuntime;

/// <summary>
/// Reads <c>application/vnd.amazon.eventstream</c> messages from a response body with AWSSDK.Core's decoder,
/// which raises a message synchronously from inside <c>ProcessData</c> once its last byte has arrived, however
/// the frames were split across reads.
/// </summary>
internal sealed class EventStreamReader : IDisposable
{
    private readonly Stream _body;
    private readonly EventStreamDecoder _decoder = new();
    private readonly Queue<EventStreamMessage> _decoded = new();
    private readonly byte[] _buffer = new byte[16 * 1024];
    private InvalidDataException? _corruption;

    public EventStreamReader(Stream body)
    {
        _body = body;
        _decoder.MessageReceived += (_, received) => _decoded.Enqueue(received.Message);
    }

    /// <summary>The next message, or null when the body has ended.</summary>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (_decoded.Count == 0)
        {
            if (_corruption is not null) throw _corruption;
            var read = await _body.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            try
            {
                // The decoder treats its third argument as an end index, so the data must start at 0.
                _decoder.ProcessData(_buffer, 0, read);
            }
            catch (Exception exception)
            {
                // Messages decoded from the same read before the damage are still whole; they go out first.
                _corruption = new InvalidDataException(
                    $"The event stream is corrupted and cannot be read further: {exception.Message}", exception);
            }
        }
        return _decoded.Dequeue();
    }

    public void Dispose() => _decoder.Dispose();
}
