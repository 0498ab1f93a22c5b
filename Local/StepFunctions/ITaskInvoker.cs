using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>Runs the work behind a Task state's <c>Resource</c>.</summary>
public interface ITaskInvoker
{
    /// <summary>
    /// Runs <paramref name="resource"/> with the state's resolved <c>Parameters</c> and returns the task result.
    /// A failure the workflow may retry or catch is a <see cref="TaskFailedException"/>; any other exception is
    /// treated as a defect and fails the execution with <c>States.Runtime</c>.
    /// </summary>
    Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken);
}
