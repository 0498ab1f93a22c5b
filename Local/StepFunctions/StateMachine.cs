using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A state machine definition in the Amazon States Language (JSONPath query language), validated in full when it is
/// loaded so that nothing the local interpreter cannot run is discovered halfway through an execution.
/// </summary>
public sealed class StateMachine
{
    internal StateMachine(StateGraph graph, int? timeoutSeconds)
    {
        Graph = graph;
        StartAt = graph.StartAt;
        StateNames = graph.StateNames;
        States = graph.States;
        TimeoutSeconds = timeoutSeconds;
    }

    public string StartAt { get; }

    /// <summary>The execution's time limit from the definition's top-level <c>TimeoutSeconds</c>, if any.</summary>
    public int? TimeoutSeconds { get; }

    /// <summary>The states' names in the order the definition lists them.</summary>
    public IReadOnlyList<string> StateNames { get; }

    internal IReadOnlyDictionary<string, AslState> States { get; }

    /// <summary>The top-level states, which Parallel branches and Map item processors nest further graphs inside.</summary>
    internal StateGraph Graph { get; }

    /// <summary>
    /// Parses <paramref name="aslJson"/>, fills its <c>${Name}</c> placeholders from <paramref name="substitutions"/>
    /// and validates it. Task states may only use a <c>Resource</c> in <paramref name="supportedResources"/>.
    /// </summary>
    /// <exception cref="AslLoadException">The definition is malformed or uses a construct the interpreter does not support.</exception>
    public static StateMachine Load(
        string aslJson, IReadOnlyDictionary<string, string> substitutions, IReadOnlySet<string> supportedResources)
    {
        ArgumentNullException.ThrowIfNull(aslJson);
        ArgumentNullException.ThrowIfNull(substitutions);
        ArgumentNullException.ThrowIfNull(supportedResources);

        JsonNode? definition;
        try
        {
            definition = JsonNode.Parse(aslJson, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            throw new AslLoadException($"The definition is not valid JSON: {exception.Message}");
        }

        var substituted = DefinitionSubstitutions.Apply(definition, substitutions);
        return AslDefinitionParser.Parse(new DefinitionObject(substituted, "The state machine"), supportedResources);
    }
}
