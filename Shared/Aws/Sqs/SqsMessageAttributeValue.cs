using System.Text.Json.Serialization;

namespace Conduit.Aws.Sqs;

/// <summary>A message attribute as SendMessage takes it (PascalCase, unlike the camelCase of the Lambda event).</summary>
public sealed record SqsMessageAttributeValue(
    [property: JsonPropertyName("DataType")] string DataType,
    [property: JsonPropertyName("StringValue")] string? StringValue = null,
    [property: JsonPropertyName("BinaryValue")] byte[]? BinaryValue = null)
{
    public static SqsMessageAttributeValue String(string value) => new("String", StringValue: value);

    /// <summary>SQS carries numbers as strings, so the caller's formatting is what arrives.</summary>
    public static SqsMessageAttributeValue Number(string value) => new("Number", StringValue: value);

    public static SqsMessageAttributeValue Binary(byte[] value) => new("Binary", BinaryValue: value);
}
