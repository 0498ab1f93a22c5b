namespace Conduit.Aws.Lambda;

/// <summary>A message attribute as the Lambda event spells it (camelCase, unlike the SendMessage API).</summary>
public sealed record SqsMessageAttribute
{
    public string? StringValue { get; init; }
    public string? BinaryValue { get; init; }
    public IReadOnlyList<string> StringListValues
    {
        get => _stringListValues;
        init => _stringListValues = value ?? [];
    }

    public IReadOnlyList<string> BinaryListValues
    {
        get => _binaryListValues;
        init => _binaryListValues = value ?? [];
    }

    public required string DataType { get; init; }

    private readonly IReadOnlyList<string> _stringListValues = [];
    private readonly IReadOnlyList<string> _binaryListValues = [];
}
