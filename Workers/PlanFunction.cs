using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;

namespace Conduit.Workers;

public sealed class PlanFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction(ConduitFunctions.Plan, Phases.Planning, workflow.PlanAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public PlanFunction()
        : this(LambdaServices.Get<ChatWorkflow>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }
}
