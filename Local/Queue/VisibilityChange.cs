namespace Conduit.Local.Queue;

/// <summary>What a visibility change found: SQS answers the last two with different errors.</summary>
internal enum VisibilityChange
{
    Changed,
    NotInFlight,
    UnknownHandle,
}
