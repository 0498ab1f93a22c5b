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
    /// </summary>
    public string DetailsPropertyName =>
        Type.EndsWith(HistoryEventTypes.StateEnteredSuffix, StringComparison.Ordinal) ? "stateEnteredEventDetails"
        : Type.EndsWith(HistoryEventTypes.StateExitedSuffix, StringComparison.Ordinal) ? "stateExitedEventDetails"
        : $"{char.ToLowerInvariant(Type[0])}{Type[1..]}EventDetails";

    /// <summary>The event as GetExecutionHistory returns it.</summary>
    public JsonObject ToJson() => new()
    {
        ["timestamp"] = AslTimestamp.Format(Timestamp),
        ["type"] = Type,
        ["id"] = Id,
        ["previousEventId"] = PreviousEventId,
        [DetailsPropertyName] = Details.DeepClone(),
    };
}
