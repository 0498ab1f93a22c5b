using System.Text.Json.Serialization;

namespace Conduit.Core.Contracts;

/// <summary>The error object Step Functions' Catch writes: the field names are AWS's.</summary>
public sealed record WorkflowError(
    [property: JsonPropertyName("Error")] string Error,
    [property: JsonPropertyName("Cause"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Cause);
