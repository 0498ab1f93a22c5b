namespace Conduit.Aws.BedrockRuntime;

/// <summary>
/// Defaults for every Converse call. Bedrock requires no maxTokens, but models differ wildly in their own
/// default, so one is always sent; <c>ChatOptions.MaxOutputTokens</c> and <c>Temperature</c> override these per call.
/// </summary>
public sealed record BedrockModelOptions
{
    public int MaxTokens { get; init; } = 1024;
    public float? Temperature { get; init; }
}
