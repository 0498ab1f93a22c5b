using Conduit.Tests.Support;

namespace Conduit.Tests.Deployment;

/// <summary>Every workflow definition passes asl-validator, the npm schema and path checker for Amazon States Language.</summary>
[RequiresNode]
public sealed class StateMachineValidationTests
{
    [NodeFact]
    public async Task AslValidator_EveryDefinitionInStateMachines_Passes()
    {
        var definitions = Directory.GetFiles(RepositoryFiles.File("StateMachines"), "*.asl.json");
        Assert.NotEmpty(definitions);
        var tools = NodeTools.Find()!;
        using var timeout = new CancellationTokenSource(NodePackages.InstallTimeout);
        await NodePackages.EnsureInstalledAsync(tools, timeout.Token);

        foreach (var definition in definitions)
        {
            var validator = await ChildProcess.RunAsync(
                tools.Node,
                [NodePackages.ModulePath("asl-validator", "dist", "bin", "asl-validator.js"), "--json-path", definition],
                NodePackages.Folder,
                TimeSpan.FromMinutes(1));

            Assert.True(validator.Succeeded, $"asl-validator rejected {Path.GetFileName(definition)}:\n{validator.Output}");
        }
    }
}
