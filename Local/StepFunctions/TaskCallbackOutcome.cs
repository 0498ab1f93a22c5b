using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>What a callback said: success with <see cref="Output"/>, or failure when <see cref="Error"/> is set.</summary>
internal sealed record TaskCallbackOutcome(JsonNode? Output, string? Error, string? Cause);
