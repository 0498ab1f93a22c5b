namespace Conduit.Core.Chat;

/// <summary>
/// One delivery at a time per connection within this process. A live writer claims a frame and then posts it; were
/// another deliverer's claim or lease to run between the two, a later frame could reach the socket before an earlier
/// one. Deliverers in other processes are kept in order by the store's conditions alone (see docs/storage.md).
/// </summary>
internal sealed class DeliveryGates
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the connection's gate; disposing the result lets the next deliverer in.</summary>
    public async Task<IDisposable> EnterAsync(string connectionId, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(connectionId, out gate!)) _gates[connectionId] = gate = new Gate();
            gate.Users++;
        }
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(connectionId, gate, entered: false);
            throw;
        }
        return new Entered(this, connectionId, gate);
    }

    private void Leave(string connectionId, Gate gate, bool entered)
    {
        if (entered) gate.Semaphore.Release();
        lock (_gates)
        {
            if (--gate.Users > 0) return;
            _gates.Remove(connectionId);
            gate.Semaphore.Dispose();
        }
    }

    private sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Deliverers holding or waiting for the gate; it is dropped when none is left.</summary>
        public int Users { get; set; }
    }

    private sealed class Entered(DeliveryGates gates, string connectionId, Gate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) gates.Leave(connectionId, gate, entered: true);
        }
    }
}
