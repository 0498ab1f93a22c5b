namespace Conduit.Tests.Support;

/// <summary>The node and npm executables on PATH.</summary>
public sealed record NodeTools(string Node, string Npm)
{
    private static readonly Lazy<NodeTools?> Installed = new(() =>
        FindOnPath("node") is { } node && FindOnPath("npm") is { } npm ? new NodeTools(node, npm) : null);

    public static NodeTools? Find() => Installed.Value;

    public static string? MissingReason => Find() is null
        ? "Node.js (node and npm on PATH) is required to run this test (dynalite or asl-validator from tests/node); "
            + "install it to run them."
        : null;

    private static string? FindOnPath(string name)
    {
        string[] names = OperatingSystem.IsWindows() ? [$"{name}.exe", $"{name}.cmd"] : [name];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => names.Select(file => Path.Combine(folder, file)))
            .FirstOrDefault(File.Exists);
    }
}
