namespace Conduit.Core.Ports;

public enum PostStatus
{
    Delivered,

    /// <summary>The connection no longer exists (HTTP 410); the caller drops it and carries on.</summary>
    Gone,

    /// <summary>The post was refused or did not get through; the frame is still owed to the connection.</summary>
    Failed,
}
