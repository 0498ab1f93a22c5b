namespace Conduit.Local.StepFunctions;

/// <summary>
/// The load-time rule on variable scope: a state inside a Parallel branch or a Map item processor cannot assign a
/// variable that an enclosing scope assigns, since inner scopes only read outer variables.
/// </summary>
internal static class VariableScopeRules
{
    public static void Validate(StateGraph machine) => Validate(machine, new HashSet<string>(StringComparer.Ordinal));

    private static void Validate(StateGraph graph, IReadOnlySet<string> outerNames)
    {
        var here = new HashSet<string>(outerNames, StringComparer.Ordinal);
        foreach (var name in graph.StateNames)
        {
            var state = graph.States[name];
            foreach (var variable in AssignedBy(state))
            {
                if (outerNames.Contains(variable))
                {
                    throw new AslLoadException(
                        $"State \"{name}\" field \"Assign\" assigns variable \"{variable}\", which an outer scope assigns; "
                        + "a Parallel branch or Map iteration can read outer variables but not assign them");
                }

                here.Add(variable);
            }
        }

        foreach (var name in graph.StateNames)
        {
            if (graph.States[name] is not CompositeState composite) continue;
            foreach (var inner in composite.Graphs) Validate(inner, here);
        }
    }

    private static IEnumerable<string> AssignedBy(AslState state)
    {
        var assignments = new List<VariableAssignment?> { state.Assign };
        if (state is ChoiceState choice) assignments.AddRange(choice.Choices.Select(branch => branch.Assign));
        if (state is TaskState task) assignments.AddRange(task.Catchers.Select(catcher => catcher.Assign));
        if (state is CompositeState composite) assignments.AddRange(composite.Catchers.Select(catcher => catcher.Assign));
        return assignments.SelectMany(assignment => assignment?.Names ?? []);
    }
}
