using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;

namespace Conduit.Workers;

public sealed class StreamFunction(ChatWorkflow workflow, FunctionTelemetry telemetry)
    : WorkflowFunction(ConduitFunctions.Stream, Phases.Streaming, workflow.StreamAsync, telemetry)
{
    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public StreamFunction()
        : this(LambdaServices.Get<ChatWorkflow>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }
}
