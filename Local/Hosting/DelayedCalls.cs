using System.Collections.Concurrent;
using System.Reflection;

namespace Conduit.Local.Hosting;

/// <summary>
/// A port whose every asynchronous call waits a fixed time before it reaches the adapter behind it, as a network round
/// trip would. One proxy serves every port, so a port that gains a method is delayed on it too.
/// </summary>
public class DelayedCalls<T> : DispatchProxy where T : class
{
    private static readonly MethodInfo DelayThenResultMethod =
        typeof(DelayedCalls<T>).GetMethod(nameof(DelayThenResultAsync), BindingFlags.Instance | BindingFlags.NonPublic)!;

    private static readonly ConcurrentDictionary<Type, MethodInfo> DelayThenResultByType = new();

    private T _inner = null!;
    private TimeSpan _delay;
    private TimeProvider _time = TimeProvider.System;

    /// <summary>The port itself when <paramref name="delay"/> is zero: no profile, no proxy.</summary>
    public static T Wrap(T inner, TimeSpan delay, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (delay <= TimeSpan.Zero) return inner;
        var proxy = Create<T, DelayedCalls<T>>();
        var delayed = (DelayedCalls<T>)(object)proxy;
        delayed._inner = inner;
        delayed._delay = delay;
        delayed._time = time;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var returns = targetMethod.ReturnType;
        if (returns == typeof(Task)) return DelayThenAsync(targetMethod, args);
        if (returns.IsGenericType && returns.GetGenericTypeDefinition() == typeof(Task<>))
        {
            var typed = DelayThenResultByType.GetOrAdd(
                returns.GenericTypeArguments[0], result => DelayThenResultMethod.MakeGenericMethod(result));
            return typed.Invoke(this, BindingFlags.DoNotWrapExceptions, null, [targetMethod, args], null);
        }
        return Call(targetMethod, args);
    }

    private async Task DelayThenAsync(MethodInfo method, object?[]? args)
    {
        await Task.Delay(_delay, _time, CancellationOf(args)).ConfigureAwait(false);
        await ((Task)Call(method, args)!).ConfigureAwait(false);
    }

    private async Task<TResult> DelayThenResultAsync<TResult>(MethodInfo method, object?[]? args)
    {
        await Task.Delay(_delay, _time, CancellationOf(args)).ConfigureAwait(false);
        return await ((Task<TResult>)Call(method, args)!).ConfigureAwait(false);
    }

    private object? Call(MethodInfo method, object?[]? args) => method.Invoke(_inner, BindingFlags.DoNotWrapExceptions, null, args, null);

    private static CancellationToken CancellationOf(object?[]? args) =>
        args?.OfType<CancellationToken>().FirstOrDefault() ?? CancellationToken.None;
}
