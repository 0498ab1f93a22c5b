using Conduit.Tests.Support;

namespace Conduit.Tests.Deployment;

/// <summary>
/// The line length .editorconfig sets (max_line_length = 140), held for every C# and JavaScript source in the checkout:
/// build output, packages and any vendored third-party script are not ours to wrap.
/// </summary>
public sealed class SourceStyleTests
{
    private const int MaxLineLength = 140;

    private static readonly string[] Extensions = [".cs", ".js", ".mjs"];

    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git"];

    private static readonly string VendorFolder = RepositoryFiles.File("Local", "wwwroot", "vendor");

    [Fact]
    public void SourceFiles_LinesAreAtMost140Characters()
    {
        var offenders = new List<string>();
        foreach (var file in SourceFiles(RepositoryFiles.Root))
        {
            var lines = File.ReadAllLines(file);
            for (var index = 0; index < lines.Length; index++)
            {
                if (lines[index].Length > MaxLineLength)
                    offenders.Add($"{Path.GetRelativePath(RepositoryFiles.Root, file)}:{index + 1} ({lines[index].Length} characters)");
            }
        }

        Assert.True(
            offenders.Count == 0,
            $"{offenders.Count} lines are longer than {MaxLineLength} characters:\n{string.Join('\n', offenders)}");
    }

    private static IEnumerable<string> SourceFiles(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            if (Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                yield return file;
        }
        foreach (var child in Directory.EnumerateDirectories(folder))
        {
            if (SkippedFolders.Contains(Path.GetFileName(child), StringComparer.Ordinal)
                || string.Equals(child, VendorFolder, StringComparison.Ordinal))
                continue;
            foreach (var file in SourceFiles(child))
                yield return file;
        }
    }
}
