namespace Conduit.Bench.Micro;

/// <summary>
/// The checkout the benchmarks read their inputs from and write their artifacts to. BenchmarkDotNet runs each
/// benchmark in a process of a project it generates under the benchmark's output folder, so both that process
/// and the host find the checkout by walking up to Conduit.slnx.
/// </summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string KnowledgeBaseFolder => Path.Combine(Root, "docs");

    public static string ChatTurnDefinition => Path.Combine(Root, "StateMachines", "chat-turn.asl.json");

    public static string ArtifactsFolder => Path.Combine(Root, "bench", "results", "micro");

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
            $"No Conduit.slnx above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}; run the micro-benchmarks from the checkout.");
    }
}
