using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>Where a run of an execution begins: the state to enter and the state input to enter it with.</summary>
internal sealed record StateEntry(string StateName, JsonNode? Input)
{
    /// <summary>
    /// Where an interrupted execution resumes: the last state its history entered, with the input recorded then, or
    /// the StartAt state with the execution's input when it entered none. Whatever follows that entry in the history
    /// (task attempts, retries, an earlier redrive) belongs to a state that never finished, so the state runs again
    /// with fresh retry counts, as a redriven AWS execution reruns its unsuccessful state. A state that finished has
    /// its exit stored with the next state's entry, so that next state is the one found here.
    /// </summary>
    /// <exception cref="InvalidOperationException">The history's last state entry lacks its name or input.</exception>
    public static StateEntry ToResume(IReadOnlyList<HistoryEvent> history, string startAt, JsonNode? executionInput)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            var entered = history[i];
            if (!entered.Type.EndsWith(HistoryEventTypes.StateEnteredSuffix, StringComparison.Ordinal)) continue;

            if (!AslJson.TryGetString(entered.Details["name"], out var name)
                || !AslJson.TryGetString(entered.Details["input"], out var input))
            {
                throw new InvalidOperationException(
                    $"History event {entered.Id} ({entered.Type}) does not record the state's name and input.");
            }

            return new StateEntry(name, JsonNode.Parse(input));
        }

        return new StateEntry(startAt, executionInput?.DeepClone());
    }
}
