namespace Conduit.Core.Ports;

/// <summary>The @connections management API: how workers reach a client without holding its socket.</summary>
public interface IConnectionSender
{
    Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
    Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>Closes the connection; false when it was already gone.</summary>
    Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken);
}
