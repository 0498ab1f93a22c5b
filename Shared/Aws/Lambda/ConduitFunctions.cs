using static Conduit.Aws.Lambda.FunctionRole;

namespace Conduit.Aws.Lambda;

/// <summary>
/// The one list of Conduit's functions. The bootstraps, the local host and the template check all read it; a test
/// fails when template.yaml or a function project's registrations disagree with it.
/// </summary>
public static class ConduitFunctions
{
    public const string IngressAssembly = "Conduit.Ingress";
    public const string WorkersAssembly = "Conduit.Workers";

    public static FunctionDefinition Ingress { get; } = new("Ingress", IngressAssembly, "IngressFunction", WebSocketIntegration);

    public static FunctionDefinition Dispatcher { get; } = new("Dispatcher", WorkersAssembly, "DispatcherFunction", QueueConsumer);

    public static FunctionDefinition BuildPrompt { get; } = new("BuildPrompt", WorkersAssembly, "BuildPromptFunction", WorkflowTask);

    public static FunctionDefinition Plan { get; } = new("Plan", WorkersAssembly, "PlanFunction", WorkflowTask);

    public static FunctionDefinition Retrieve { get; } = new("Retrieve", WorkersAssembly, "RetrieveFunction", WorkflowTask);

    public static FunctionDefinition Stream { get; } = new("Stream", WorkersAssembly, "StreamFunction", WorkflowTask);

    public static FunctionDefinition NotifyFailure { get; } = new("NotifyFailure", WorkersAssembly, "NotifyFailureFunction", WorkflowTask);

    public static IReadOnlyList<FunctionDefinition> All { get; } =
        [Ingress, Dispatcher, BuildPrompt, Plan, Retrieve, Stream, NotifyFailure];

    public static FunctionDefinition? ByHandler(string handler) =>
        All.FirstOrDefault(function => function.Handler == handler);
}
