namespace Conduit.Bench;

/// <summary>
/// The checkout the benchmarks read their inputs from and write their results to, found by walking up to
/// Conduit.slnx from the binaries or the working folder. BenchmarkDotNet runs each micro-benchmark in a process
/// of a project it generates under the output folder, so that process finds it the same way.
/// </summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string KnowledgeBaseFolder => Path.Combine(Root, "docs");

    public static string ChatTurnDefinition => Path.Combine(Root, "StateMachines", "chat-turn.asl.json");

    public static string ResultsFolder => Path.Combine(Root, "bench", "results");

    public static string MicroArtifactsFolder => Path.Combine(ResultsFolder, "micro");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Conduit.slnx"))) return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException(
            $"No Conduit.slnx above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; run the benchmarks from the checkout.");
    }
}
