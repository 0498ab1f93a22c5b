namespace Conduit.Core.Ports;

public enum TurnStatus
{
    /// <summary>Acknowledged and queued; not yet seen by the dispatcher.</summary>
    Queued,

    /// <summary>Seen by the dispatcher (its queued status is posted), waiting for the session to be free.</summary>
    Waiting,

    /// <summary>Holds the session; its execution is starting.</summary>
    Dispatched,
    Running,
    Completed,
    Failed,
    Cancelled,
}
