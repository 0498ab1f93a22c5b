using System.Security.Cryptography;
using System.Text;

namespace Conduit.Tests.Support;

/// <summary>The Node.js tools of tests/node (dynalite, asl-validator), installed once from the committed lock file.</summary>
public static class NodePackages
{
    public static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    public static string Folder => RepositoryFiles.File("tests", "node");

    public static string ModulePath(params string[] parts) => Path.Combine([Folder, "node_modules", .. parts]);

    /// <summary>Test processes may start together (several test projects, several runs); the lock lets one of them install.</summary>
    public static async Task EnsureInstalledAsync(NodeTools tools, CancellationToken cancellationToken)
    {
        var folder = Folder;
        if (IsInstalled(folder)) return;
        var lockName = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..16];
        var lockPath = Path.Combine(Path.GetTempPath(), $"conduit-node-{lockName}.lock");
        await using var installLock = await AcquireLockAsync(lockPath, cancellationToken);
        if (IsInstalled(folder)) return;

        var npm = await ChildProcess.RunAsync(tools.Npm, ["ci", "--no-audit", "--no-fund"], folder, InstallTimeout, cancellationToken);
        npm.OutputIfSucceeded();
        if (!IsInstalled(folder)) throw new InvalidOperationException($"npm ci in {folder} left no whole install:\n{npm.Output}");
    }

    /// <summary>
    /// npm writes node_modules/.package-lock.json last, so its presence (newer than the lock file) means a whole,
    /// current install.
    /// </summary>
    private static bool IsInstalled(string folder)
    {
        var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
        return File.Exists(installed)
            && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json"));
    }

    /// <summary>An exclusive open is an OS file lock, released even if the holder dies; there is no event to wait on, so retry.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }
}
