namespace Conduit.Core.Ports;

public static class MessageStatuses
{
    public const string Complete = "complete";

    /// <summary>An answer the client stopped: the text is what was produced until then.</summary>
    public const string Cancelled = "cancelled";
}
