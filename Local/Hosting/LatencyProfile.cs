namespace Conduit.Local.Hosting;

/// <summary>
/// Time added to each call the local stack makes where the deployed stack would cross the network, so the local
/// figures show what AWS's round trips cost a turn. <see cref="None"/> adds nothing; <see cref="Aws"/> holds the
/// typical figures stated, with their sources, in docs/performance.md.
/// </summary>
public sealed record LatencyProfile
{
    public static LatencyProfile None { get; } = new();

    public static LatencyProfile Aws { get; } = new()
    {
        Name = "aws",
        StoreCall = TimeSpan.FromMilliseconds(5),
        ConnectionsCall = TimeSpan.FromMilliseconds(15),
        QueueSend = TimeSpan.FromMilliseconds(10),
        QueueReceive = TimeSpan.FromMilliseconds(20),
        StateTransition = TimeSpan.FromMilliseconds(20),
        FunctionInvoke = TimeSpan.FromMilliseconds(10),
    };

    public string Name { get; init; } = "none";

    /// <summary>Each call of a store port: one DynamoDB request.</summary>
    public TimeSpan StoreCall { get; init; }

    /// <summary>Each @connections call (POST, GET, DELETE) a function makes.</summary>
    public TimeSpan ConnectionsCall { get; init; }

    /// <summary>Each SendMessage of a turn.</summary>
    public TimeSpan QueueSend { get; init; }

    /// <summary>From a message being sent to the event source mapping handing it to the Dispatcher.</summary>
    public TimeSpan QueueReceive { get; init; }

    /// <summary>Each state a workflow enters.</summary>
    public TimeSpan StateTransition { get; init; }

    /// <summary>Each invocation of a warm function: by the gateway, the event source mapping or a workflow task.</summary>
    public TimeSpan FunctionInvoke { get; init; }

    public bool AddsAny =>
        StoreCall > TimeSpan.Zero || ConnectionsCall > TimeSpan.Zero || QueueSend > TimeSpan.Zero || QueueReceive > TimeSpan.Zero
        || StateTransition > TimeSpan.Zero || FunctionInvoke > TimeSpan.Zero;

    /// <summary>Reads <c>none</c> or <c>aws</c>.</summary>
    public static LatencyProfile Parse(string text) => text switch
    {
        "none" => None,
        "aws" => Aws,
        _ => throw new ArgumentException($"--latency-profile takes none or aws, not \"{text}\"."),
    };
}
