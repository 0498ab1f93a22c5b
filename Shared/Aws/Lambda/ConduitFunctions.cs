namespace Conduit.Aws.Lambda;

/// <summary>
/// The one list of Conduit's functions. The bootstraps, the local host and the template check all read it; a test
/// fails when template.yaml or a function project's registrations disagree with it.
/// </summary>
public static class ConduitFunctions
{
    public const string IngressAssembly = "Conduit.Ingress";
    public const string WorkersAssembly = "Conduit.Workers";

    public static FunctionDefinition Ingress { get; } =
        new("Ingress", IngressAssembly, "IngressFunction", FunctionRole.WebSocketIntegration);

    public static FunctionDefinition Dispatcher { get; } =
        new("Dispatcher", WorkersAssembly, "DispatcherFunction", FunctionRole.QueueConsumer);

    public static FunctionDefinition BuildPrompt { get; } =
        new("BuildPrompt", WorkersAssembly, "BuildPromptFunction", FunctionRole.WorkflowTask);

    public static FunctionDefinition Plan { get; } =
        new("Plan", WorkersAssembly, "PlanFunction", FunctionRole.WorkflowTask);

    public static FunctionDefinition Retrieve { get; } =
        new("Retrieve", WorkersAssembly, "RetrieveFunction", FunctionRole.WorkflowTask);

    public static FunctionDefinition Stream { get; } =
        new("Stream", WorkersAssembly, "StreamFunction", FunctionRole.WorkflowTask);

    public static FunctionDefinition NotifyFailure { get; } =
        new("NotifyFailure", WorkersAssembly, "NotifyFailureFunction", FunctionRole.WorkflowTask);

    public static IReadOnlyList<FunctionDefinition> All { get; } =
        [Ingress, Dispatcher, BuildPrompt, Plan, Retrieve, Stream, NotifyFailure];

    public static FunctionDefinition? ByHandler(string handler) =>
        All.FirstOrDefault(function => function.Handler == handler);
}
