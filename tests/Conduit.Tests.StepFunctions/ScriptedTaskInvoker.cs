using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

internal sealed record TaskInvocation(int Number, string Resource, JsonNode? Parameters);

/// <summary>An invoker whose invocations all wait for <see cref="Release"/>; <see cref="Invoked"/> completes at the first.</summary>
internal sealed record GatedTaskInvoker(ScriptedTaskInvoker Invoker, Task Invoked, TaskCompletionSource<JsonNode?> Release);

/// <summary>An <see cref="ITaskInvoker"/> that answers each invocation with a scripted response and remembers what it was asked.</summary>
internal sealed class ScriptedTaskInvoker(Func<TaskInvocation, CancellationToken, Task<JsonNode?>> respond) : ITaskInvoker
{
    private readonly ConcurrentQueue<TaskInvocation> _invocations = new();
    private int _count;

    public IReadOnlyList<TaskInvocation> Invocations => [.. _invocations];

    /// <summary>Returns each task's parameters as its result.</summary>
    public static ScriptedTaskInvoker Echo() => new((invocation, _) => Task.FromResult(invocation.Parameters?.DeepClone()));

    public static ScriptedTaskInvoker Returning(string resultJson) => new((_, _) => Task.FromResult(JsonNode.Parse(resultJson)));

    /// <summary>Fails with <paramref name="errors"/> in turn, one per invocation, then returns <paramref name="resultJson"/>.</summary>
    public static ScriptedTaskInvoker FailingWith(IReadOnlyList<string> errors, string resultJson = "\"done\"") => new((invocation, _) =>
        invocation.Number <= errors.Count
            ? throw new TaskFailedException(errors[invocation.Number - 1], $"failure {invocation.Number}")
            : Task.FromResult(JsonNode.Parse(resultJson)));

    public static GatedTaskInvoker Gated()
    {
        var invoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new ScriptedTaskInvoker((_, _) =>
        {
            invoked.TrySetResult();
            return release.Task;
        });
        return new GatedTaskInvoker(invoker, invoked.Task, release);
    }

    public static ScriptedTaskInvoker AlwaysFailingWith(string error) =>
        new((invocation, _) => throw new TaskFailedException(error, $"failure {invocation.Number}"));

    public Task<JsonNode?> InvokeAsync(string resource, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var invocation = new TaskInvocation(Interlocked.Increment(ref _count), resource, parameters?.DeepClone());
        _invocations.Enqueue(invocation);
        return respond(invocation, cancellationToken);
    }
}
