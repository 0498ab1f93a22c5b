using System.Text;
using Conduit.Aws.Lambda;

namespace Conduit.Local.Queue;

/// <summary>
/// The checks SendMessage makes, so that a message the local queue accepts is one Amazon SQS would accept too
/// rather than a failure that first shows up after deployment.
/// </summary>
internal static class SqsMessageLimits
{
    /// <summary>Body plus every attribute's name, data type and value.</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    public const int MaxMessageAttributes = 10;

    private const int MaxAttributeNameLength = 256;

    /// <summary>Returns the message's size as SQS counts it against its limits.</summary>
    public static int Validate(string body, IReadOnlyDictionary<string, SqsMessageAttribute>? attributes)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length == 0) throw new ArgumentException("A message body must not be empty.", nameof(body));
        if (!HasOnlyAllowedCharacters(body))
        {
            throw new ArgumentException(
                "A message body may hold only #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD and #x10000 to #x10FFFF.",
                nameof(body));
        }

        var size = Encoding.UTF8.GetByteCount(body);
        if (attributes is not null)
        {
            if (attributes.Count > MaxMessageAttributes)
            {
                throw new ArgumentException($"A message may carry at most {MaxMessageAttributes} attributes.", nameof(attributes));
            }

            foreach (var (name, attribute) in attributes) size += AttributeSize(name, attribute);
        }

        if (size > MaxMessageBytes)
        {
            throw new ArgumentException($"The message is {size} bytes; SQS accepts at most {MaxMessageBytes}.", nameof(body));
        }

        return size;
    }

    private static int AttributeSize(string name, SqsMessageAttribute attribute)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxAttributeNameLength)
        {
            throw new ArgumentException($"Attribute names are 1 to {MaxAttributeNameLength} characters.", nameof(name));
        }

        var valueBytes = BaseType(attribute.DataType) switch
        {
            "String" or "Number" when !string.IsNullOrEmpty(attribute.StringValue) => Encoding.UTF8.GetByteCount(attribute.StringValue),
            "Binary" when DecodedLength(attribute.BinaryValue) is { } length and > 0 => length,
            _ => throw new ArgumentException(
                $"Attribute '{name}' needs a DataType of String, Number or Binary (optionally with a .suffix) "
                + "and a non-empty value to match.",
                nameof(attribute)),
        };
        return Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(attribute.DataType) + valueBytes;
    }

    private static string BaseType(string dataType)
    {
        var dot = dataType.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? dataType : dataType[..dot];
    }

    private static int? DecodedLength(string? base64)
    {
        if (string.IsNullOrEmpty(base64)) return null;
        var buffer = new byte[base64.Length * 3 / 4];
        return Convert.TryFromBase64String(base64, buffer, out var written) ? written : null;
    }

    public static bool HasOnlyAllowedCharacters(string text)
    {
        for (var index = 0; index < text.Length; index++)
        {
            var character = text[index];
            if (char.IsHighSurrogate(character) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                index++;
                continue;
            }

            var allowed = character is '\t' or '\n' or '\r'
                || character is >= '\u0020' and <= '\uD7FF'
                || character is >= '\uE000' and <= '\uFFFD';
            if (!allowed) return false;
        }

        return true;
    }
}
