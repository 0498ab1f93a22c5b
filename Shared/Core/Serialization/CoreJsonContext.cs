using System.Text.Json.Serialization;
using Conduit.Core.Contracts;
using Conduit.Core.Protocol;

namespace Conduit.Core.Serialization;

/// <summary>
/// The JSON Core reads and writes: client frames, the queued turn and the workflow state. Source generated, so
/// nothing here needs reflection (Native AOT and trimming stay possible). Adapters keep their wire types in
/// contexts of their own.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ServerFrame))]
[JsonSerializable(typeof(TurnRequest))]
[JsonSerializable(typeof(ChatTurnState))]
[JsonSerializable(typeof(KnowledgeLookupResult))]
public sealed partial class CoreJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The instance for everything Conduit writes. Frames travel as UTF-8 JSON and are never embedded in HTML,
    /// so escaping non-ASCII text and quotes (the default) would only make them longer and harder to read.
    /// </summary>
    public static CoreJsonContext Wire { get; } = new(WireOptions.Create());
}
