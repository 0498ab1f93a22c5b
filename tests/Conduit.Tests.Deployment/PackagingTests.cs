using System.Collections.Concurrent;
using System.Diagnostics;
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
        var output = Path.Combine(Path.GetTempPath(), $"conduit-publish-{project}-{Guid.NewGuid():N}");
        var log = new ConcurrentQueue<string>();
        try
        {
            using var publish = ChildProcess.Start(
                "dotnet",
                ["publish", RepositoryFiles.File(project), "-c", "Release", "-r", "linux-arm64", "--self-contained", "false", "-o", output, "--nologo"],
                RepositoryFiles.File(),
                log);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await publish.WaitForExitAsync(timeout.Token);

            Assert.True(publish.ExitCode == 0, $"dotnet publish {project} -r linux-arm64 failed:\n{string.Join('\n', log)}");
            Assert.True(File.Exists(Path.Combine(output, assembly)), $"{assembly} is missing from the publish output");
            Assert.True(File.Exists(Path.Combine(output, Path.ChangeExtension(assembly, ".runtimeconfig.json"))), "the runtime config Lambda needs is missing");
            Assert.True(File.Exists(Path.Combine(output, "AWSSDK.Core.dll")), "dependencies were not copied into the package");
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
