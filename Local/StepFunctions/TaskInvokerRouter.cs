using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Sends each Task to the invoker of its integration: a Lambda function ARN goes where lambda:invoke goes, and a
/// resource no invoker runs fails the task with <c>States.Runtime</c> (the loader refuses such definitions first).
/// </summary>
public sealed class TaskInvokerRouter(IReadOnlyDictionary<string, ITaskInvoker> invokersByResource) : ITaskInvoker
{
    public Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var integration = LambdaFunctionName.FromResourceArn(resource) is null ? resource : LambdaInvokeTaskInvoker.Resource;
        return invokersByResource.TryGetValue(integration, out var invoker)
            ? invoker.InvokeAsync(resource, parameters, cancellationToken)
            : Task.FromException<JsonNode?>(new TaskFailedException(
                StatesErrors.Runtime, $"The local interpreter has no integration for the resource '{resource}'."));
    }

    /// <summary>The resources a definition may name for these invokers.</summary>
    public IReadOnlySet<string> Resources => invokersByResource.Keys.ToHashSet(StringComparer.Ordinal);
}
