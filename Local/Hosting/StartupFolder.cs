namespace Conduit.Local.Hosting;

/// <summary>
/// The data folder as start-up found it. A start that fails before the host is ready removes a folder it created,
/// so a mistyped option or a busy port leaves nothing behind; a folder that was already there is never touched.
/// </summary>
public sealed class StartupFolder : IDisposable
{
    private readonly string? _createdPath;
    private bool _started;

    private StartupFolder(string? createdPath) => _createdPath = createdPath;

    public static StartupFolder Before(LocalHostOptions options)
    {
        if (options.InMemory) return new StartupFolder(null);
        var path = Path.GetFullPath(options.DataDirectory);
        return new StartupFolder(Directory.Exists(path) ? null : path);
    }

    /// <summary>The host is ready: what it made of the folder stays.</summary>
    public void Started() => _started = true;

    /// <summary>Called once the host and its files are closed.</summary>
    public void Dispose()
    {
        if (_started || _createdPath is null || !Directory.Exists(_createdPath)) return;
        Directory.Delete(_createdPath, recursive: true);
    }
}
