using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Where a run of an execution begins: the state to enter, the state input to enter it with, and the workflow
/// variables the states before it assigned.
/// </summary>
internal sealed record StateEntry(string StateName, JsonNode? Input, JsonObject? Variables = null)
{
    /// <summary>
    /// Where an interrupted execution resumes: the last top-level state its history entered, with the input recorded
    /// then, or the StartAt state with the execution's input when it entered none. Whatever follows that entry in the
    /// history (task attempts, retries, the branches of a Parallel or Map state, an earlier redrive) belongs to a state
    /// that never finished, so the state runs again with fresh retry counts, as a redriven AWS execution reruns its
    /// unsuccessful state. A state that finished has its exit stored with the next state's entry, so that next state
    /// is the one found here. Variables are rebuilt from the <c>assignedVariables</c> of the top-level exits before it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The history's last state entry lacks its name or input.</exception>
    public static StateEntry ToResume(IReadOnlyList<HistoryEvent> history, string startAt, JsonNode? executionInput)
    {
        HistoryEvent? lastEntered = null;
        var variables = new JsonObject();
        var assignedBeforeLastEntry = new JsonObject();
        var depth = 0;
        foreach (var historyEvent in history)
        {
            // A redrive abandons whatever branches were open when the host stopped.
            if (historyEvent.Type == HistoryEventTypes.ExecutionRedriven) depth = 0;
            else if (HistoryEventTypes.OpensBranches(historyEvent.Type)) depth++;
            else if (HistoryEventTypes.ClosesBranches(historyEvent.Type)) depth = Math.Max(0, depth - 1);
            else if (depth > 0) continue;
            else if (historyEvent.Type.EndsWith(HistoryEventTypes.StateEnteredSuffix, StringComparison.Ordinal))
            {
                lastEntered = historyEvent;
                assignedBeforeLastEntry = (JsonObject)variables.DeepClone();
            }
            else if (historyEvent.Type.EndsWith(HistoryEventTypes.StateExitedSuffix, StringComparison.Ordinal)
                && historyEvent.Details["assignedVariables"] is JsonObject assigned)
            {
                foreach (var (variableName, json) in assigned)
                {
                    variables[variableName] = AslJson.TryGetString(json, out var text) ? JsonNode.Parse(text) : null;
                }
            }
        }

        if (lastEntered is null) return new StateEntry(startAt, executionInput?.DeepClone());

        if (!AslJson.TryGetString(lastEntered.Details["name"], out var name)
            || !AslJson.TryGetString(lastEntered.Details["input"], out var input))
        {
            throw new InvalidOperationException(
                $"History event {lastEntered.Id} ({lastEntered.Type}) does not record the state's name and input.");
        }

        return new StateEntry(name, JsonNode.Parse(input), assignedBeforeLastEntry);
    }
}
