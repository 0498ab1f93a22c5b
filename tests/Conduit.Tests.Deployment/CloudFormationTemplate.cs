using Conduit.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Conduit.Tests.Deployment;

/// <summary>
/// template.yaml read with YamlDotNet's representation model, which keeps CloudFormation's short-form tags
/// (<c>!Ref</c>, <c>!GetAtt</c>, <c>!Sub</c>, …) on the nodes so references can be checked.
/// </summary>
public sealed class CloudFormationTemplate
{
    private CloudFormationTemplate(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public YamlMappingNode Resources => (YamlMappingNode)Root["Resources"];

    public YamlMappingNode Parameters => (YamlMappingNode)Root["Parameters"];

    public static CloudFormationTemplate Load()
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(RepositoryFiles.File("template.yaml")));
        stream.Load(reader);
        return new CloudFormationTemplate((YamlMappingNode)stream.Documents[0].RootNode);
    }

    public IEnumerable<(string Name, YamlMappingNode Resource)> ResourcesOfType(string type) =>
        Resources.Children
            .Select(pair => (Name: ((YamlScalarNode)pair.Key).Value!, Resource: (YamlMappingNode)pair.Value))
            .Where(r => Scalar(r.Resource, "Type") == type);

    public YamlMappingNode Resource(string name) => (YamlMappingNode)Resources[name];

    public static string? Scalar(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            current = next;
        }
        return (current as YamlScalarNode)?.Value;
    }

    public static YamlNode? Node(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            current = next;
        }
        return current;
    }

    public static IEnumerable<YamlNode> Descendants(YamlNode node)
    {
        yield return node;
        var children = node switch
        {
            YamlMappingNode mapping => mapping.Children.SelectMany(pair => new[] { pair.Key, pair.Value }),
            YamlSequenceNode sequence => sequence.Children,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child)) yield return descendant;
        }
    }
}
