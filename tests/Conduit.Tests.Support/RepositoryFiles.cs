namespace Conduit.Tests.Support;

/// <summary>
/// The checkout the tests and benchmarks read from, found by walking up to Conduit.slnx from the binaries or the
/// working folder (BenchmarkDotNet runs each benchmark from a project it generates under the output folder).
/// </summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (System.IO.File.Exists(System.IO.Path.Combine(folder.FullName, "Conduit.slnx"))) return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException(
            $"No Conduit.slnx above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}: run from the checkout.");
    }
}
