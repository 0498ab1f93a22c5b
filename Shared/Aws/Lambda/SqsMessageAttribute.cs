namespace Conduit.Aws.Lambda;

/// <summary>A message attribute as the Lambda event spells it (camelCase, unlike the SendMessage API).</summary>
public sealed record SqsMessageAttribute
{
    public string? StringValue { get; init; }
    public string? BinaryValue { get; init; }
    public IReadOnlyList<string> StringListValues { get; init; } = [];
    public IReadOnlyList<string> BinaryListValues { get; init; } = [];
    public required string DataType { get; init; }
}
