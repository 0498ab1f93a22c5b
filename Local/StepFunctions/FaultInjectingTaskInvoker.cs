using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Makes the first invocations of named Lambda functions fail with a chosen error before they reach the function, as a
/// throttle or a service fault does on AWS, so that a workflow's retriers and catchers can be watched working locally.
/// Every other task goes to <paramref name="inner"/> unchanged.
/// </summary>
public sealed class FaultInjectingTaskInvoker(ITaskInvoker inner, IEnumerable<InjectedFault> faults) : ITaskInvoker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<string>> _pendingErrorsByFunction = Pending(faults);

    public Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (FunctionNameOf(resource, parameters) is { } function && TakeError(function.Name) is { } error)
        {
            return Task.FromException<JsonNode?>(new TaskFailedException(
                error,
                $"Injected by --inject-fault: this invocation of {function.Name} failed with {error} without running the function."));
        }

        return inner.InvokeAsync(resource, parameters, cancellationToken);
    }

    private string? TakeError(string functionName)
    {
        lock (_lock)
        {
            return _pendingErrorsByFunction.TryGetValue(functionName, out var errors) && errors.TryDequeue(out var error) ? error : null;
        }
    }

    private static LambdaFunctionName? FunctionNameOf(string resource, JsonNode? parameters)
    {
        if (LambdaFunctionName.FromResourceArn(resource) is { } direct) return direct;
        if (TaskResourceParser.Split(resource).Resource != LambdaInvokeTaskInvoker.Resource) return null;
        if (parameters is not JsonObject arguments || !AslJson.TryGetString(arguments["FunctionName"], out var functionName)) return null;
        try
        {
            return LambdaFunctionName.Parse(functionName, qualifier: null);
        }
        catch (TaskFailedException)
        {
            // A malformed name is the inner invoker's to report, as Lambda would.
            return null;
        }
    }

    private static Dictionary<string, Queue<string>> Pending(IEnumerable<InjectedFault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        var pending = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
        foreach (var fault in faults)
        {
            if (!pending.TryGetValue(fault.FunctionName, out var errors)) pending[fault.FunctionName] = errors = new Queue<string>();
            for (var i = 0; i < fault.Count; i++) errors.Enqueue(fault.Error);
        }

        return pending;
    }
}
