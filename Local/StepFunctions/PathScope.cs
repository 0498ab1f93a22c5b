using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// What paths resolve against: <c>$</c> is <see cref="Data"/>, <c>$$</c> is the context object, and <c>$name</c> is a
/// workflow variable of <see cref="Variables"/>.
/// </summary>
internal readonly record struct PathScope(JsonNode? Data, JsonObject Context, VariableScope? Variables = null);
