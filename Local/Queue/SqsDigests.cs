using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Conduit.Aws.Lambda;

namespace Conduit.Local.Queue;

/// <summary>
/// MD5OfMessageBody and MD5OfMessageAttributes exactly as SQS computes them, because the SDKs recompute both and
/// reject a response whose digests differ.
/// </summary>
internal static class SqsDigests
{
    private const byte StringTransport = 1;
    private const byte BinaryTransport = 2;

    public static string OfBody(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>
    /// Each attribute in name order as length-prefixed name, length-prefixed data type, a transport byte (1 for String
    /// and Number, 2 for Binary) and the length-prefixed value; lengths are four bytes, big-endian. Null when there are none.
    /// </summary>
    public static string? OfAttributes(IReadOnlyDictionary<string, SqsMessageAttribute> attributes)
    {
        if (attributes.Count == 0) return null;
        using var buffer = new MemoryStream();
        foreach (var (name, attribute) in attributes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            WriteWithLength(buffer, Encoding.UTF8.GetBytes(name));
            WriteWithLength(buffer, Encoding.UTF8.GetBytes(attribute.DataType));
            if (attribute.DataType.StartsWith("Binary", StringComparison.Ordinal))
            {
                buffer.WriteByte(BinaryTransport);
                WriteWithLength(buffer, Convert.FromBase64String(attribute.BinaryValue ?? ""));
            }
            else
            {
                buffer.WriteByte(StringTransport);
                WriteWithLength(buffer, Encoding.UTF8.GetBytes(attribute.StringValue ?? ""));
            }
        }

        return Convert.ToHexStringLower(MD5.HashData(buffer.ToArray()));
    }

    private static void WriteWithLength(MemoryStream buffer, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
