using System.Text;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;
using Conduit.Local.Edge;

namespace Conduit.Tests.Edge;

/// <summary>The event-stream encoder checked against the AWS SDK's own decoder, which validates both checksums.</summary>
public sealed class EventStreamEncoderTests
{
    [Fact]
    public void Crc32_CheckValue_IsTheGzipOne() =>
        Assert.Equal(0xCBF43926u, EventStreamEncoder.Crc32(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Event_DecodedByTheSdk_HasItsHeadersAndPayload()
    {
        var encoded = EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Hé"}}""");

        var message = EventStreamMessage.FromBuffer(encoded, 0, encoded.Length);

        Assert.Equal("event", message.Headers[":message-type"].AsString());
        Assert.Equal("contentBlockDelta", message.Headers[":event-type"].AsString());
        Assert.Equal("application/json", message.Headers[":content-type"].AsString());
        Assert.Equal("""{"contentBlockIndex":0,"delta":{"text":"Hé"}}""", Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public void Exception_DecodedByTheSdk_IsAnExceptionMessage()
    {
        var encoded = EventStreamEncoder.Exception("modelStreamErrorException", """{"message":"broke"}""");

        var message = EventStreamMessage.FromBuffer(encoded, 0, encoded.Length);

        Assert.Equal("exception", message.Headers[":message-type"].AsString());
        Assert.Equal("modelStreamErrorException", message.Headers[":exception-type"].AsString());
        Assert.Equal("""{"message":"broke"}""", Encoding.UTF8.GetString(message.Payload));
    }

    [Fact]
    public void Encode_ManyMessagesFedInSmallChunks_AreAllDecodedInOrder()
    {
        var stream = Enumerable.Range(0, 5).SelectMany(i => EventStreamEncoder.Event("e" + i, "{\"i\":" + i + "}")).ToArray();
        var seen = new List<string>();
        using var decoder = new EventStreamDecoder();
        decoder.MessageReceived += (_, e) => seen.Add(e.Message.Headers[":event-type"].AsString());

        foreach (var chunk in stream.Chunk(7)) decoder.ProcessData(chunk, 0, chunk.Length);

        Assert.Equal(["e0", "e1", "e2", "e3", "e4"], seen);
    }

    [Fact]
    public void Encode_EmptyPayloadAndNoHeaders_IsTheSixteenByteMinimum()
    {
        var encoded = EventStreamEncoder.Encode([], []);

        var message = EventStreamMessage.FromBuffer(encoded, 0, encoded.Length);

        Assert.Equal(16, encoded.Length);
        Assert.Empty(message.Headers);
        Assert.Empty(message.Payload);
    }

    [Fact]
    public void Encode_HeaderNameLongerThan255Bytes_IsRefused() =>
        Assert.Throws<ArgumentException>(() => EventStreamEncoder.Encode([(new string('h', 256), "v")], []));
}
