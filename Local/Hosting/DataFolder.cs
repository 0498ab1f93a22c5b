using System.Globalization;
using System.Runtime.Versioning;
using System.Text;

namespace Conduit.Local.Hosting;

/// <summary>
/// The data folder, held by one host at a time. Two hosts on one folder would each take the other's RUNNING
/// executions for interrupted ones and its sockets for gone ones, so the first holds an exclusive lock on
/// <see cref="LockFileName"/> for its lifetime (a POSIX record lock, which the OS drops when the process dies, even by
/// SIGKILL) and writes its pid and port there, for the second to name. The folder and the files in it are made
/// readable by their owner only: they hold people's conversations and the development signing key.
/// </summary>
public sealed class DataFolder : IDisposable
{
    public const string LockFileName = "conduit.lock";

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const long LockedByte = 4096;
    private const string UnknownHolder = "its pid and port unreadable";

    /// <summary>
    /// Record locks do not exclude the process that holds them, so hosts in one process are kept apart here, with what
    /// each wrote in its lock file: reading the file through a second handle would release the lock when that closes.
    /// </summary>
    private static readonly Dictionary<string, string> HeldInThisProcess = new(StringComparer.Ordinal);

    private readonly FileStream? _lock;

    private DataFolder(string? path, FileStream? lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    /// <summary>The folder's full path; null when the host keeps nothing on disk.</summary>
    public string? Path { get; }

    /// <summary>Takes the folder for this host, before anything in it is opened.</summary>
    /// <exception cref="DataFolderInUseException">Another host holds it; the message names the folder and that host's port.</exception>
    public static DataFolder Take(LocalHostOptions options)
    {
        if (options.InMemory) return new DataFolder(null, null);
        var path = System.IO.Path.GetFullPath(options.DataDirectory);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else MakeFolderOwnerOnly(path);

        var lockPath = System.IO.Path.Combine(path, LockFileName);
        lock (HeldInThisProcess)
        {
            if (HeldInThisProcess.TryGetValue(path, out var sameProcess)) throw new DataFolderInUseException(path, sameProcess);
            FileStream lockFile;
            try
            {
                lockFile = OpenLocked(lockPath);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException && File.Exists(lockPath))
            {
                throw new DataFolderInUseException(path, ReadHolder(lockPath));
            }
            HeldInThisProcess.Add(path, WriteHolder(lockFile, options.Port));
            if (!OperatingSystem.IsWindows()) MakeFilesOwnerOnly(path);
            return new DataFolder(path, lockFile);
        }
    }

    public void Dispose()
    {
        if (_lock is null) return;
        lock (HeldInThisProcess)
        {
            _lock.Dispose();
            HeldInThisProcess.Remove(Path!);
        }
    }

    /// <summary>
    /// The lock is on a byte past the holder's line, so the line stays readable (Windows enforces byte-range locks on
    /// reads). macOS has no byte-range locks in .NET, so there the whole file is opened exclusively instead.
    /// </summary>
    private static FileStream OpenLocked(string lockPath)
    {
        if (OperatingSystem.IsMacOS()) return new FileStream(lockPath, Options(FileShare.None));
        var lockFile = new FileStream(lockPath, Options(FileShare.ReadWrite));
        try
        {
            lockFile.Lock(LockedByte, 1);
            return lockFile;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    private static FileStreamOptions Options(FileShare share)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = share };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        return options;
    }

    [UnsupportedOSPlatform("windows")]
    private static void MakeFolderOwnerOnly(string path)
    {
        if (Directory.Exists(path)) File.SetUnixFileMode(path, OwnerOnlyFolder);
        else Directory.CreateDirectory(path, OwnerOnlyFolder);
    }

    [UnsupportedOSPlatform("windows")]
    private static void MakeFilesOwnerOnly(string path)
    {
        foreach (var file in Directory.EnumerateFiles(path)) File.SetUnixFileMode(file, OwnerOnlyFile);
    }

    private static string WriteHolder(FileStream lockFile, int port)
    {
        var holder = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} port {port}");
        lockFile.SetLength(0);
        lockFile.Write(Encoding.UTF8.GetBytes(holder + "\n"));
        lockFile.Flush(flushToDisk: true);
        return holder;
    }

    /// <summary>What the holder wrote; read through a handle of this process's own, which holds no lock to lose.</summary>
    private static string ReadHolder(string lockPath)
    {
        try
        {
            using var lockFile = new FileStream(
                lockPath, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite });
            using var reader = new StreamReader(lockFile, Encoding.UTF8);
            var text = reader.ReadLine()?.Trim();
            return string.IsNullOrEmpty(text) ? UnknownHolder : text;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return UnknownHolder;
        }
    }
}
