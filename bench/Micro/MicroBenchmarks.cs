using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Conduit.Bench.Micro;

/// <summary>
/// Runs the BenchmarkDotNet micro-benchmarks with BenchmarkDotNet's own arguments (<c>--filter</c>, <c>--list</c>, …);
/// without a filter it runs them all rather than asking which to run.
/// </summary>
public static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var selection = args.Any(arg => arg == "-f" || arg.StartsWith("--filter", StringComparison.Ordinal))
            ? args : [.. args, "--filter", "*"];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(selection, Config());
        return summaries.All(summary => !summary.HasCriticalValidationErrors && summary.Reports.All(report => report.Success)) ? 0 : 1;
    }

    /// <summary>
    /// Few iterations so the whole set finishes in minutes on two cores. Workstation GC, the .NET default that the
    /// Lambda functions run with; the bench project itself asks for server GC for its load scenarios.
    /// </summary>
    private static ManualConfig Config() =>
        DefaultConfig.Instance
            .WithArtifactsPath(BenchPaths.MicroArtifactsFolder)
            .AddJob(Job.Default.WithId("micro").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8).WithGcServer(false));
}
