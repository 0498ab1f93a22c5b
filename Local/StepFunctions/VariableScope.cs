using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The workflow variables one run of states can see. The top-level states share one scope; each Parallel branch and
/// Map iteration gets an inner scope that reads the outer ones but only ever writes its own, so names it assigns
/// vanish when it ends. An outer scope does not change while its inner scopes run (the state that owns them is
/// still running), so reads need no lock.
/// </summary>
internal sealed class VariableScope
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);
    private readonly VariableScope? _outer;

    public VariableScope()
    {
    }

    private VariableScope(VariableScope outer) => _outer = outer;

    public VariableScope CreateInner() => new(this);

    /// <summary>The value of <paramref name="name"/> in this scope or the nearest outer one that has it.</summary>
    public bool TryGet(string name, out JsonNode? value)
    {
        for (var scope = this; scope is not null; scope = scope._outer)
        {
            if (scope._values.TryGetValue(name, out value)) return true;
        }

        value = null;
        return false;
    }

    public void Assign(JsonObject assigned)
    {
        foreach (var (name, value) in assigned) _values[name] = value?.DeepClone();
    }
}
