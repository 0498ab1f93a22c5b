namespace Conduit.Core.Ports;

/// <summary>
/// Who receives a session's frames, and how far each has got. Delivery to one connection is done by one holder
/// of its lease at a time, which posts strictly after <see cref="Subscription.DeliveredSeq"/> and moves it on when
/// it lets go: that is what keeps a replay and the live stream from overlapping or leaving a gap.
/// </summary>
public interface ISubscriptionStore
{
    /// <summary>
    /// Subscribes the connection. <paramref name="resetCursor"/> (a resume) sets the cursor to
    /// <paramref name="deliveredSeq"/>; otherwise an existing subscription keeps its cursor. A new subscription or a
    /// reset cursor moves the session's <see cref="SessionRecord.Signal"/> on, after the subscription is written.
    /// </summary>
    Task SubscribeAsync(
        string sessionId,
        string connectionId,
        long deliveredSeq,
        bool resetCursor,
        DateTimeOffset expiresAt,
        CancellationToken cancellationToken);

    Task<IReadOnlyList<Subscription>> ListAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the delivery lease of one subscription for <paramref name="owner"/> until <paramref name="until"/>, when
    /// it is free or lapsed (before <paramref name="now"/>); returns the subscription, or null when another holds it
    /// or it does not exist.
    /// </summary>
    Task<Subscription?> TryLeaseAsync(
        string sessionId, string connectionId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the cursor from <paramref name="fromSeq"/> to <paramref name="toSeq"/> when it is at
    /// <paramref name="fromSeq"/> and no deliverer holds the lease (or it lapsed before <paramref name="now"/>): the live
    /// writer's claim on one frame, in one conditional write. False when the cursor is elsewhere, the lease is held or the
    /// subscription is gone; the caller then delivers through the lease.
    /// </summary>
    Task<bool> TryAdvanceAsync(
        string sessionId, string connectionId, long fromSeq, long toSeq, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves the cursor to <paramref name="deliveredSeq"/> and frees the lease, if <paramref name="owner"/> holds it.</summary>
    Task ReleaseAsync(string sessionId, string connectionId, string owner, long deliveredSeq, CancellationToken cancellationToken);

    Task RemoveAsync(string sessionId, string connectionId, CancellationToken cancellationToken);

    /// <summary>Removes every subscription of a connection that closed or is gone.</summary>
    Task RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken);
}
