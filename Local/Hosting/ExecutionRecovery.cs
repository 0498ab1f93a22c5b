using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>
/// Resumes the executions a previous run of the host left RUNNING (a crash, a kill -9, a stop mid-turn), once the
/// host listens: their workers post frames through this host's own @connections endpoint.
/// </summary>
public sealed class ExecutionRecovery(
    StateMachineRegistry stateMachines, IHostApplicationLifetime lifetime, ILogger<ExecutionRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        await stateMachines.ResumeInterruptedExecutionsAsync(stoppingToken).ConfigureAwait(false);
        HostingLog.InterruptedExecutionsResumed(logger);
    }
}
