using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

/// <summary>The stores of one backend on one clock; <paramref name="Owner"/> is released after the test.</summary>
public sealed record ChatStores(
    IConnectionStore Connections,
    ISessionStore Sessions,
    ITurnStore Turns,
    IHistoryStore History,
    IFrameStore Frames,
    ISubscriptionStore Subscriptions,
    IRateLimitStore RateLimits,
    IAsyncDisposable? Owner = null)
{
    /// <summary>The conversation list over the same tables; every backend sets it.</summary>
    public ISessionDirectory SessionDirectory { get; init; } = null!;
}
