using Conduit.Shared.Contracts;

namespace Conduit.Shared.Ports;

public interface ITurnQueue
{
    Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken);
}

public enum WorkflowStartStatus
{
    Started,

    /// <summary>An execution with this name exists already: a redelivered start, which counts as success.</summary>
    AlreadyExists,
}

public sealed record WorkflowStart(WorkflowStartStatus Status, string? ExecutionId);

public interface IWorkflowStarter
{
    Task<WorkflowStart> StartAsync(string executionName, string input, CancellationToken cancellationToken);
}

public enum PostResult
{
    Delivered,

    /// <summary>The connection no longer exists (HTTP 410); the caller drops it and carries on.</summary>
    Gone,
}

public sealed record ConnectionInfo(DateTimeOffset ConnectedAt, DateTimeOffset LastActiveAt, string? SourceIp, string? UserAgent);

/// <summary>The @connections management API: how workers reach a client without holding its socket.</summary>
public interface IConnectionSender
{
    Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
    Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Closes the connection; false when it was already gone.</summary>
    Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken);
}
