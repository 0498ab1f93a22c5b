using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// One entry of an execution's history. <see cref="Details"/> is the event's <c>...EventDetails</c> object, whose
/// state data fields (<c>input</c>, <c>output</c>, <c>parameters</c>) are JSON text, as in the AWS API.
/// </summary>
public sealed record HistoryEvent(long Id, long PreviousEventId, DateTimeOffset Timestamp, string Type, JsonObject Details)
{
    /// <summary>Whether this event is a state's entry: a state transition, as Step Functions counts and bills them.</summary>
    public bool EntersState => Type.EndsWith(HistoryEventTypes.StateEnteredSuffix, StringComparison.Ordinal);

    /// <summary>
    /// The name of the details field for this event type: every <c>...StateEntered</c> event shares <c>stateEnteredEventDetails</c>.
    /// Null for <c>LambdaFunctionStarted</c>, which AWS's HistoryEvent has no details member for, so a client finds none.
    /// </summary>
    public string? DetailsPropertyName =>
        Type == HistoryEventTypes.LambdaFunctionStarted ? null
        : Type.EndsWith(HistoryEventTypes.StateEnteredSuffix, StringComparison.Ordinal) ? "stateEnteredEventDetails"
        : Type.EndsWith(HistoryEventTypes.StateExitedSuffix, StringComparison.Ordinal) ? "stateExitedEventDetails"
        : $"{char.ToLowerInvariant(Type[0])}{Type[1..]}EventDetails";

    /// <summary>The event as GetExecutionHistory returns it.</summary>
    public JsonObject ToJson() => WithDetails(
        new JsonObject
        {
            ["timestamp"] = AslTimestamp.Format(Timestamp),
            ["type"] = Type,
            ["id"] = Id,
            ["previousEventId"] = PreviousEventId,
        },
        Details);

    /// <summary>Adds <paramref name="details"/> to <paramref name="json"/> under this event type's details member, if it has one.</summary>
    public JsonObject WithDetails(JsonObject json, JsonObject details)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(details);
        if (DetailsPropertyName is { } name) json[name] = details.DeepClone();
        return json;
    }
}
