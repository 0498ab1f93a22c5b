using System.Buffers.Binary;
using System.Text;

namespace Conduit.Local.Edge;

/// <summary>
/// Encodes messages of the AWS event stream (<c>application/vnd.amazon.eventstream</c>): a prelude of total and header
/// lengths with its CRC32, the headers, the payload and a CRC32 of all that, integers big-endian. Only string headers
/// are written: the event, exception and content types are all the served streams need.
/// </summary>
public static class EventStreamEncoder
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    private const byte StringHeaderType = 7;
    private const int PreludeLength = 8;
    private const int Overhead = 16;

    private static readonly uint[] Crc32Table = BuildCrc32Table();

    /// <summary>A modelled event: <c>:message-type</c> event, <c>:event-type</c> the stream member's name, a JSON payload.</summary>
    public static byte[] Event(string eventType, string json) => Encode(
        [(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    /// <summary>A modelled error, which ends the stream: <c>:message-type</c> exception and the error member's name.</summary>
    public static byte[] Exception(string exceptionType, string json) => Encode(
        [(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")],
        Encoding.UTF8.GetBytes(json));

    /// <exception cref="ArgumentException">A header name is empty or longer than 255 bytes, or a value longer than 65,535.</exception>
    public static byte[] Encode(IReadOnlyList<(string Name, string Value)> headers, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var encoded = new List<(byte[] Name, byte[] Value)>(headers.Count);
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            if (nameBytes.Length is 0 or > byte.MaxValue)
                throw new ArgumentException($"Event-stream header name '{name}' must be 1-255 bytes.", nameof(headers));
            if (valueBytes.Length > ushort.MaxValue)
                throw new ArgumentException($"Event-stream header '{name}' is longer than 65,535 bytes.", nameof(headers));
            encoded.Add((nameBytes, valueBytes));
        }

        var headersLength = encoded.Sum(h => 1 + h.Name.Length + 1 + 2 + h.Value.Length);
        var message = new byte[Overhead + headersLength + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(PreludeLength), Crc32(message.AsSpan(0, PreludeLength)));
        var at = PreludeLength + 4;
        foreach (var (name, value) in encoded)
        {
            message[at++] = (byte)name.Length;
            name.CopyTo(message, at);
            at += name.Length;
            message[at++] = StringHeaderType;
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at), (ushort)value.Length);
            at += 2;
            value.CopyTo(message, at);
            at += value.Length;
        }
        payload.CopyTo(message.AsSpan(at));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(message.Length - 4), Crc32(message.AsSpan(0, message.Length - 4)));
        return message;
    }

    /// <summary>CRC-32 as gzip computes it (reflected polynomial 0xEDB88320), which the event stream's checksums use.</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data) crc = Crc32Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildCrc32Table()
    {
        var table = new uint[256];
        for (uint n = 0; n < table.Length; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
