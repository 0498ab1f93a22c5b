using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Observability;

namespace Conduit.Workers;

public sealed class NotifyFailureFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction(ConduitFunctions.NotifyFailure, "failed", workflow.NotifyFailureAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public NotifyFailureFunction()
        : this(LambdaServices.Get<ChatWorkflow>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }
}
