using System.Diagnostics;
using Conduit.Aws.Lambda;

namespace Conduit.Local.Hosting;

/// <summary>
/// The JIT bootstrap of each function assembly (<c>-p:LambdaBootstrap=true</c>: the same <c>Bootstrap.Main</c> the
/// Native AOT build runs), built from the repository when its sources are newer than the last build, one build at a
/// time on the machine because both builds share Shared's intermediate folders.
/// </summary>
public static class FunctionBootstraps
{
    public const string Configuration = "Release";

    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The bootstrap.dll of every assembly <see cref="ConduitFunctions"/> names, by assembly.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> EnsureBuiltAsync(
        string repositoryRoot, Action<string> log, CancellationToken cancellationToken)
    {
        var assemblies = ConduitFunctions.All.Select(function => function.Assembly).Distinct().ToList();
        var outputs = assemblies.ToDictionary(assembly => assembly, assembly => OutputOf(repositoryRoot, assembly));
        if (assemblies.All(assembly => IsCurrent(repositoryRoot, assembly, outputs[assembly]))) return outputs;

        using var buildLock = await TakeBuildLockAsync(repositoryRoot, cancellationToken).ConfigureAwait(false);
        foreach (var assembly in assemblies.Where(assembly => !IsCurrent(repositoryRoot, assembly, outputs[assembly])))
        {
            log($"Building the {assembly} bootstrap (JIT)…");
            await BuildAsync(repositoryRoot, assembly, cancellationToken).ConfigureAwait(false);
        }
        return outputs;
    }

    public static string OutputOf(string repositoryRoot, string assembly) => Path.Combine(
        repositoryRoot, ProjectFolder(assembly), "bin", "bootstrap", Configuration, $"net{Environment.Version.Major}.0", "bootstrap.dll");

    private static string ProjectFolder(string assembly) => assembly["Conduit.".Length..];

    /// <summary>Built after the last change to its project or to Shared's, or to the build settings they all read.</summary>
    private static bool IsCurrent(string root, string assembly, string output)
    {
        if (!File.Exists(output)) return false;
        var built = File.GetLastWriteTimeUtc(output);
        var sources = new[] { ProjectFolder(assembly), Path.Combine("Shared", "Core"), Path.Combine("Shared", "Aws") }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetExtension(path) is ".cs" or ".csproj")
            .Append(Path.Combine(root, "Directory.Build.props"))
            .Append(Path.Combine(root, "Directory.Packages.props"));
        return sources.All(path => !File.Exists(path) || File.GetLastWriteTimeUtc(path) <= built);
    }

    private static async Task BuildAsync(string root, string assembly, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(
            "dotnet",
            ["build", Path.Combine(root, ProjectFolder(assembly)), "-c", Configuration, "-p:LambdaBootstrap=true", "-nologo", "-v", "q"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo) ?? throw new IOException("dotnet could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BuildTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new IOException($"Building the {assembly} bootstrap took longer than {BuildTimeout.TotalMinutes} minutes.");
        }
        if (process.ExitCode != 0)
        {
            var reason = ((await output.ConfigureAwait(false)) + (await errors.ConfigureAwait(false)))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(line => line.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? $"exit code {process.ExitCode}";
            throw new IOException($"The {assembly} bootstrap did not build: {reason}");
        }
    }

    /// <summary>An exclusive lock file, waited for while another host or test builds.</summary>
    private static async Task<FileStream> TakeBuildLockAsync(string root, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, "Shared", "Aws", "obj", "conduit-bootstrap-build.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + BuildTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another process builds; its build will usually make this one unnecessary, which IsCurrent then sees.
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
