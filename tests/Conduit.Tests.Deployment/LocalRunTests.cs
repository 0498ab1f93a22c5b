using Conduit.Tests.Support;

namespace Conduit.Tests.Deployment;

/// <summary>How `dotnet run --project Local` treats the folder it is typed in, which the README's examples rely on.</summary>
public sealed class LocalRunTests
{
    [Fact]
    public async Task RunWorkingDirectory_RunFromAnotherFolder_IsThatFolder()
    {
        using var elsewhere = new TemporaryFolder("run-from");

        var property = await ChildProcess.RunAsync(
            "dotnet",
            ["msbuild", RepositoryFiles.File("Local", "Conduit.Local.csproj"), "-getProperty:RunWorkingDirectory", "-nologo"],
            elsewhere.Path,
            TimeSpan.FromMinutes(2));

        Assert.Equal(
            Path.GetFullPath(elsewhere.Path).TrimEnd(Path.DirectorySeparatorChar),
            property.OutputIfSucceeded().Trim().TrimEnd(Path.DirectorySeparatorChar));
    }
}
