using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>What paths resolve against: <c>$</c> is <see cref="Data"/>, <c>$$</c> is the context object.</summary>
internal readonly record struct PathScope(JsonNode? Data, JsonObject Context);
