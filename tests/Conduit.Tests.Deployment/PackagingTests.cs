using Conduit.Tests.Support;

namespace Conduit.Tests.Deployment;

/// <summary>The function projects publish for the deployed architecture (arm64), as sam build does.</summary>
public sealed class PackagingTests
{
    [Theory]
    [InlineData("Ingress", "Conduit.Ingress.dll")]
    [InlineData("Workers", "Conduit.Workers.dll")]
    public async Task Publish_LinuxArm64_ProducesTheHandlerAssemblyAndRuntimeConfig(string project, string assembly)
    {
        using var output = new TemporaryFolder($"publish-{project}");

        var publish = await ChildProcess.RunAsync(
            "dotnet",
            [
                "publish", RepositoryFiles.File(project), "-c", "Release", "-r", "linux-arm64", "--self-contained", "false",
                "-o", output.Path, "--nologo",
            ],
            RepositoryFiles.Root,
            TimeSpan.FromMinutes(5));

        Assert.True(publish.Succeeded, $"dotnet publish {project} -r linux-arm64 failed:\n{publish.Output}");
        Assert.True(File.Exists(output.File(assembly)), $"{assembly} is missing from the publish output");
        Assert.True(
            File.Exists(output.File(Path.ChangeExtension(assembly, ".runtimeconfig.json"))), "the runtime config Lambda needs is missing");
        Assert.True(File.Exists(output.File("AWSSDK.Core.dll")), "dependencies were not copied into the package");
    }
}
