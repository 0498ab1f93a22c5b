using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;

namespace Conduit.Workers;

public sealed class BuildPromptFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction(ConduitFunctions.BuildPrompt, Phases.BuildingPrompt, workflow.BuildPromptAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public BuildPromptFunction()
        : this(LambdaServices.Get<ChatWorkflow>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }
}
