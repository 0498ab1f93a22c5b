using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Local.Gateway;

/// <summary>
/// The upgrade of one connection, with the client's frames watched: API Gateway closes a connection with 1009 when
/// one frame is over its 32 KB quota, however small the message, and a .NET WebSocket does not say where frames end.
/// </summary>
internal sealed class ClientFrameWatch(IHttpUpgradeFeature inner, int maxFrameBytes) : IHttpUpgradeFeature
{
    private int _oversizedAfter = -1;

    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <summary>
    /// True when the client sent a frame over the quota within message number <paramref name="messagesRead"/> (counting
    /// from 0) or before it; messages that ended before that frame are not affected.
    /// </summary>
    public bool OversizedBy(int messagesRead) => Volatile.Read(ref _oversizedAfter) is var after && after >= 0 && after <= messagesRead;

    public async Task<Stream> UpgradeAsync() =>
        new ClientFrameWatchStream(await inner.UpgradeAsync().ConfigureAwait(false), maxFrameBytes, this);

    /// <summary>Called once, for the first oversized frame, with the number of data messages completed before it.</summary>
    internal void Oversized(int completedMessages) => Interlocked.CompareExchange(ref _oversizedAfter, completedMessages, -1);
}
