using Conduit.Local.Lambda;

namespace Conduit.Local.Hosting;

/// <summary>A function entry point reached a fixed time after it is called, as an invocation through Lambda's service is.</summary>
public static class DelayedInvocation
{
    /// <summary>The handler itself when <paramref name="delay"/> is zero.</summary>
    public static LambdaHandler Wrap(LambdaHandler handler, TimeSpan delay, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (delay <= TimeSpan.Zero) return handler;
        return async input =>
        {
            await Task.Delay(delay, time).ConfigureAwait(false);
            return await handler(input).ConfigureAwait(false);
        };
    }
}
