using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;

namespace Conduit.Workers;

public sealed class RetrieveFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction(ConduitFunctions.Retrieve, Phases.Retrieving, workflow.RetrieveAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public RetrieveFunction()
        : this(LambdaServices.Get<ChatWorkflow>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }
}
