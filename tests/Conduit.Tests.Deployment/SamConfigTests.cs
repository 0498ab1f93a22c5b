using System.Text.RegularExpressions;
using Conduit.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Conduit.Tests.Deployment;

/// <summary>samconfig.toml as sam build and sam deploy read it, checked against template.yaml.</summary>
public sealed partial class SamConfigTests
{
    private readonly Dictionary<string, Dictionary<string, string>> _sections =
        Read(File.ReadAllText(RepositoryFiles.File("samconfig.toml")));
    private readonly CloudFormationTemplate _template = CloudFormationTemplate.Load();

    [Theory]
    [InlineData("default")]
    [InlineData("prod")]
    public void Environment_BuildsAndDeploysTheSameFunctionRuntime(string environment)
    {
        var built = Overrides(_sections[$"{environment}.build.parameters"]);
        var deployed = Overrides(_sections[$"{environment}.deploy.parameters"]);

        Assert.Equal(built["FunctionRuntime"], deployed["FunctionRuntime"]);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("prod")]
    public void Environment_NamesItsRegionAndOnlyParametersTheTemplateHas(string environment)
    {
        Assert.Matches("^[a-z]{2}(-[a-z]+)+-[0-9]$", _sections[$"{environment}.global.parameters"]["region"]);
        var parameters = _template.Parameters.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
        var deployed = Overrides(_sections[$"{environment}.deploy.parameters"]);

        Assert.Subset(parameters, deployed.Keys.ToHashSet());
        var required = _template.Parameters.Children
            .Where(p => ((YamlMappingNode)p.Value).Children.Keys.All(k => ((YamlScalarNode)k).Value != "Default"))
            .Select(p => ((YamlScalarNode)p.Key).Value!);
        Assert.Subset(deployed.Keys.ToHashSet(), required.ToHashSet());
    }

    /// <summary>The subset of TOML samconfig uses: [section] headers and key = "string" | true | number lines.</summary>
    private static Dictionary<string, Dictionary<string, string>> Read(string toml)
    {
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var current = sections[""] = [];
        foreach (var line in toml.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith('[')) current = sections[line.Trim('[', ']')] = [];
            else if (KeyValue().Match(line) is { Success: true } pair)
                current[pair.Groups[1].Value] =
                    pair.Groups[2].Value is ['"', .. var text, '"'] ? Regex.Unescape(text) : pair.Groups[2].Value;
        }
        return sections;
    }

    private static Dictionary<string, string> Overrides(Dictionary<string, string> section) =>
        Override().Matches(section["parameter_overrides"])
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex("""^([A-Za-z_]+)\s*=\s*(.+)$""")]
    private static partial Regex KeyValue();

    [GeneratedRegex("""([A-Za-z0-9]+)="([^"]*)" ?""")]
    private static partial Regex Override();
}
