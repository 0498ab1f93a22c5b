using Conduit.Tests.Support;

namespace Conduit.Bench;

/// <summary>
/// Where in the checkout the benchmarks read their inputs and write their results. BenchmarkDotNet runs each
/// micro-benchmark in a process of a project it generates under the output folder; <see cref="RepositoryFiles"/>
/// finds the checkout from there too.
/// </summary>
public static class BenchPaths
{
    public static string KnowledgeBaseFolder => RepositoryFiles.File("docs");

    public static string ChatTurnDefinition => RepositoryFiles.File("StateMachines", "chat-turn.asl.json");

    public static string ResultsFolder => RepositoryFiles.File("bench", "results");

    public static string MicroArtifactsFolder => Path.Combine(ResultsFolder, "micro");
}
