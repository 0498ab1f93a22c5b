using System.Diagnostics;

namespace Conduit.Local.Lambda;

/// <summary>
/// A POST the runtime made, as received: <see cref="RequestId"/> is null for an init error, and
/// <see cref="ReceivedAt"/> is a <see cref="Stopwatch"/> timestamp of when its body had fully arrived.
/// </summary>
public sealed record RuntimePost(
    RuntimePostKind Kind, string? RequestId, byte[] Body, string? ContentType, string? ErrorType, int AnsweredWith, long ReceivedAt)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
