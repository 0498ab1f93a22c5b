using System.Text;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Lambda;
using Conduit.Local.Queue;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Local.Hosting;

/// <summary>The profile as the host composes it: each seam delayed by its own figure, over the real in-memory adapters.</summary>
public sealed class LatencyCompositionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task AddConduitLocal_AwsProfile_DelaysAStoreCallByTheStoreFigure()
    {
        await using var services = Compose(LatencyProfile.Aws);

        var creating = services.GetRequiredService<ISessionStore>().CreateAsync("s-1", "u", CancellationToken.None);
        _time.Advance(LatencyProfile.Aws.StoreCall - TimeSpan.FromTicks(1));
        var completedBefore = creating.IsCompleted;
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.False(completedBefore);
        Assert.Equal("u", (await creating.WaitAsync(Patience)).OwnerId);
    }

    [Fact]
    public async Task AddConduitLocal_AwsProfile_DelaysAQueueSendByTheQueueFigure()
    {
        await using var services = Compose(LatencyProfile.Aws);
        var request = new TurnRequest("u", "r-1", "s-1", "c-1", _time.GetUtcNow());

        var sending = services.GetRequiredService<ITurnQueue>().EnqueueAsync(request, CancellationToken.None);
        _time.Advance(LatencyProfile.Aws.QueueSend - TimeSpan.FromTicks(1));
        var completedBefore = sending.IsCompleted;
        _time.Advance(TimeSpan.FromTicks(1));
        await sending.WaitAsync(Patience);

        Assert.False(completedBefore);
        Assert.Equal(1, (await services.GetRequiredService<DurableQueue>().GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task AddConduitLocal_AwsProfile_DelaysEachSeamByItsOwnFigure()
    {
        await using var services = Compose(LatencyProfile.Aws);

        Assert.IsAssignableFrom<DelayedCalls<ITurnStore>>(services.GetRequiredService<ITurnStore>());
        Assert.IsAssignableFrom<DelayedCalls<IFrameStore>>(services.GetRequiredService<IFrameStore>());
        Assert.IsAssignableFrom<DelayedCalls<IConnectionSender>>(services.GetRequiredService<IConnectionSender>());
        Assert.IsAssignableFrom<DelayedCalls<ITurnQueue>>(services.GetRequiredService<ITurnQueue>());
        Assert.IsType<TransitionDelayingExecutionStore>(services.GetRequiredService<IExecutionStore>());
    }

    [Fact]
    public async Task AddConduitLocal_NoProfile_LeavesEveryPortUndelayed()
    {
        await using var services = Compose(LatencyProfile.None);

        Assert.IsNotAssignableFrom<DelayedCalls<ISessionStore>>(services.GetRequiredService<ISessionStore>());
        Assert.IsNotAssignableFrom<DelayedCalls<ITurnQueue>>(services.GetRequiredService<ITurnQueue>());
        Assert.IsType<SpaceWaitingExecutionStore>(services.GetRequiredService<IExecutionStore>());
    }

    [Fact]
    public async Task DelayedInvocationWrap_Handler_IsReachedOnlyOnceTheDelayHasPassed()
    {
        var invoked = 0;
        LambdaHandler handler = _ =>
        {
            invoked++;
            return Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes("{}")));
        };
        var delay = LatencyProfile.Aws.FunctionInvoke;

        var invoking = DelayedInvocation.Wrap(handler, delay, _time)(new MemoryStream());
        _time.Advance(delay - TimeSpan.FromTicks(1));
        var invokedBefore = invoked;
        _time.Advance(TimeSpan.FromTicks(1));
        await invoking.WaitAsync(Patience);

        Assert.Equal((0, 1), (invokedBefore, invoked));
    }

    [Fact]
    public void Parse_LatencyProfile_NamesAwsOrNone()
    {
        Assert.Same(LatencyProfile.Aws, LocalHostOptions.Parse(["--latency-profile", "aws"]).Latency);
        Assert.Same(LatencyProfile.None, LocalHostOptions.Parse([]).Latency);
        var refused = Assert.Throws<ArgumentException>(() => LocalHostOptions.Parse(["--latency-profile", "azure"]));
        Assert.Contains("none or aws", refused.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Compose(LatencyProfile profile)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime>(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance));
        services.AddConduitLocal(new LocalHostOptions { InMemory = true, Port = LoopbackPort.Free(), Latency = profile });
        return services.BuildServiceProvider();
    }
}
