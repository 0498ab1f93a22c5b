using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Conduit.Shared.Aws.Sqs;
using Conduit.Shared.Aws.StepFunctions;
using Conduit.Shared.Contracts;
using Conduit.Shared.Lambda;
using Conduit.Shared.Lambda.Runtime;
using Conduit.Shared.Protocol;

namespace Conduit.Shared.Serialization;

/// <summary>
/// Every JSON shape Conduit reads or writes: client frames, AWS event envelopes, workflow state
/// and Lambda error documents. Source
/// generated, so nothing here needs reflection (Native AOT and trimming stay possible).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ServerFrame))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(WebSocketRequestEvent))]
[JsonSerializable(typeof(ProxyResponse))]
[JsonSerializable(typeof(TurnRequest))]
[JsonSerializable(typeof(ChatTurnState))]
[JsonSerializable(typeof(KnowledgeLookupResult))]
[JsonSerializable(typeof(SqsSendRequest))]
[JsonSerializable(typeof(SqsSendResult))]
[JsonSerializable(typeof(StartExecutionInput))]
[JsonSerializable(typeof(StartExecutionOutput))]
[JsonSerializable(typeof(StopExecutionInput))]
[JsonSerializable(typeof(StopExecutionOutput))]
[JsonSerializable(typeof(DescribeExecutionInput))]
[JsonSerializable(typeof(DescribeExecutionOutput))]
[JsonSerializable(typeof(RuntimeError))]
public sealed partial class SharedJsonContext : JsonSerializerContext;

public sealed partial class SharedJsonContext
{
    /// <summary>
    /// The instance for everything Conduit writes. Frames travel as UTF-8 JSON and are never embedded in HTML,
    /// so escaping non-ASCII text and quotes (the default) would only make them longer and harder to read.
    /// </summary>
    public static SharedJsonContext Wire { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectRequiredConstructorParameters = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
