namespace Conduit.Tests.Support;

/// <summary>A folder under the system temp path that a test fills with files and that is deleted afterwards.</summary>
public sealed class TemporaryFolder : IDisposable
{
    /// <param name="purpose">Goes into the folder's name, so one left by a killed run says whose it was.</param>
    public TemporaryFolder(string purpose = "kb")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"conduit-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public TemporaryFolder Write(string relativePath, string content)
    {
        var fullPath = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        System.IO.File.WriteAllText(fullPath, content);
        return this;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
