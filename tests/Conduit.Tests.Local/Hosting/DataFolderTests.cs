using Conduit.Local.Hosting;
using Conduit.Tests.Support;

namespace Conduit.Tests.Local.Hosting;

/// <summary>One host per data folder, within a process too (record locks do not exclude their own process).</summary>
public sealed class DataFolderTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("data-folder");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Take_FolderHeldByAnotherHost_ThrowsNamingTheFolderAndItsPort()
    {
        using var first = DataFolder.Take(new LocalHostOptions { DataDirectory = _folder.Path, Port = 5123 });

        var refused = Assert.Throws<DataFolderInUseException>(
            () => DataFolder.Take(new LocalHostOptions { DataDirectory = _folder.Path, Port = 5124 }));

        Assert.Contains(_folder.Path, refused.Message, StringComparison.Ordinal);
        Assert.Contains("port 5123", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"port 5123", File.ReadAllText(_folder.File(DataFolder.LockFileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void Take_AfterTheHolderLetGo_Succeeds()
    {
        DataFolder.Take(new LocalHostOptions { DataDirectory = _folder.Path, Port = 5123 }).Dispose();

        using var second = DataFolder.Take(new LocalHostOptions { DataDirectory = _folder.Path, Port = 5124 });

        Assert.Equal(Path.GetFullPath(_folder.Path), second.Path);
    }

    [Fact]
    public void Take_InMemory_HoldsNothing()
    {
        using var first = DataFolder.Take(new LocalHostOptions { DataDirectory = _folder.Path, InMemory = true });
        using var second = DataFolder.Take(new LocalHostOptions { DataDirectory = _folder.Path, InMemory = true });

        Assert.Null(second.Path);
        Assert.False(File.Exists(_folder.File(DataFolder.LockFileName)));
    }
}
