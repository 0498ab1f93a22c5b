namespace Conduit.Aws.Endpoints;

/// <summary>
/// A service as the endpoint settings name it: the model's serviceId upper-cased with spaces as underscores
/// (<c>AWS_ENDPOINT_URL_SFN</c>, the shared config's <c>sfn</c> key), and the prefix of its regional endpoint.
/// </summary>
public sealed record AwsService(string EnvironmentId, string EndpointPrefix)
{
    public static AwsService Sqs { get; } = new("SQS", "sqs");
    public static AwsService StepFunctions { get; } = new("SFN", "states");
    public static AwsService BedrockRuntime { get; } = new("BEDROCK_RUNTIME", "bedrock-runtime");
    public static AwsService BedrockAgentRuntime { get; } = new("BEDROCK_AGENT_RUNTIME", "bedrock-agent-runtime");
    public static AwsService ApiGatewayManagementApi { get; } = new("APIGATEWAYMANAGEMENTAPI", "execute-api");
    public static AwsService DynamoDb { get; } = new("DYNAMODB", "dynamodb");

    /// <summary>The key of this service in a <c>[services …]</c> section of the shared config file.</summary>
    public string ConfigKey => EnvironmentId.ToLowerInvariant();
}
