namespace Conduit.Aws.Lambda;

/// <summary>What invokes a function, which decides how each environment wires it.</summary>
public enum FunctionRole
{
    /// <summary>The WebSocket API's integration for every route.</summary>
    WebSocketIntegration,

    /// <summary>The turn queue's event source mapping.</summary>
    QueueConsumer,

    /// <summary>A Task state of the chat-turn workflow, invoked through lambda:invoke.</summary>
    WorkflowTask,
}
