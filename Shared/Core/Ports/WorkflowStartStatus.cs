namespace Conduit.Core.Ports;

public enum WorkflowStartStatus
{
    Started,

    /// <summary>An execution with this name exists already: a redelivered start, which counts as success.</summary>
    AlreadyExists,
}
