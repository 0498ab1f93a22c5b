using System.Text.Json.Serialization;
using Conduit.Aws.Lambda;
using Conduit.Aws.Lambda.Runtime;
using Conduit.Aws.StepFunctions;
using Conduit.Core.Serialization;

namespace Conduit.Aws.Serialization;

/// <summary>
/// The AWS wire shapes: Lambda event envelopes and results, the Runtime API's error document, and the JSON
/// protocol bodies of the hand-written service clients. Source generated like Core's context.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(WebSocketRequestEvent))]
[JsonSerializable(typeof(ProxyResponse))]
[JsonSerializable(typeof(StartExecutionInput))]
[JsonSerializable(typeof(StartExecutionOutput))]
[JsonSerializable(typeof(StopExecutionInput))]
[JsonSerializable(typeof(StopExecutionOutput))]
[JsonSerializable(typeof(DescribeExecutionInput))]
[JsonSerializable(typeof(DescribeExecutionOutput))]
[JsonSerializable(typeof(RuntimeError))]
public sealed partial class AwsJsonContext : JsonSerializerContext
{
    public static AwsJsonContext Wire { get; } = new(WireOptions.Create());
}
