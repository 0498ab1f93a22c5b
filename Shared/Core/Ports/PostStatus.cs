namespace Conduit.Core.Ports;

public enum PostStatus
{
    Delivered,

    /// <summary>The connection no longer exists (HTTP 410); the caller drops it and carries on.</summary>
    Gone,

    /// <summary>The post was refused or did not get through; the frame is still owed to the connection.</summary>
    Failed,

    /// <summary>
    /// The message is over the payload limit (HTTP 413): posting it again can never succeed, so the frame is
    /// replaced by an error frame standing for it.
    /// </summary>
    TooLarge,
}
