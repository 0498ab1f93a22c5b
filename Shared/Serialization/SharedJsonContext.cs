using System.Text.Json.Serialization;
using Conduit.Shared.Contracts;
using Conduit.Shared.Lambda;
using Conduit.Shared.Protocol;

namespace Conduit.Shared.Serialization;

/// <summary>
/// Every JSON shape Conduit reads or writes: client frames, AWS event envelopes and workflow state. Source
/// generated, so nothing here needs reflection (Native AOT and trimming stay possible).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ServerFrame))]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(WebSocketRequestEvent))]
[JsonSerializable(typeof(ProxyResponse))]
[JsonSerializable(typeof(TurnRequest))]
[JsonSerializable(typeof(ChatTurnState))]
[JsonSerializable(typeof(KnowledgeLookupResult))]
public sealed partial class SharedJsonContext : JsonSerializerContext;
