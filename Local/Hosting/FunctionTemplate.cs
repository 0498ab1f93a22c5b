using System.Globalization;
using Conduit.Aws;
using Conduit.Aws.Lambda;
using Conduit.Local.Queue;
using YamlDotNet.RepresentationModel;

namespace Conduit.Local.Hosting;

/// <summary>
/// template.yaml as the function processes are configured from it: each function's environment (Globals, then its own
/// variables) with every reference resolved to a local value, its Timeout, and the turn queue's event source mapping.
/// Anything the template says that has no local meaning stops start-up naming it, rather than running differently.
/// </summary>
public sealed class FunctionTemplate
{
    public const string FileName = "template.yaml";

    private readonly YamlMappingNode _root;

    private FunctionTemplate(YamlMappingNode root) => _root = root;

    public static FunctionTemplate Load(string path) => Parse(File.ReadAllText(path));

    public static FunctionTemplate Parse(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return new FunctionTemplate((YamlMappingNode)stream.Documents[0].RootNode);
    }

    /// <summary>The names of the variables the template gives <paramref name="function"/>.</summary>
    public IReadOnlyList<string> VariableNames(FunctionDefinition function) => [.. Variables(function).Keys];

    /// <summary>
    /// <paramref name="function"/>'s environment variables, each resolved through <paramref name="references"/> (the local
    /// values of the template's parameters and resources by logical id); <paramref name="stageUrl"/> stands for the
    /// WebSocket API's stage URL wherever the template builds one.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(
        FunctionDefinition function, IReadOnlyDictionary<string, string> references, Uri stageUrl) =>
        Variables(function).ToDictionary(
            variable => variable.Key,
            variable => Resolve(variable.Value, references, stageUrl)
                ?? throw new ConfigurationException(
                    $"{FileName} gives {function.ResourceName} {variable.Key} as {Describe(variable.Value)}, which has no local value."));

    /// <summary>The function's Timeout: its own, else the Globals one.</summary>
    public TimeSpan Timeout(FunctionDefinition function) =>
        TimeSpan.FromSeconds(
            Number(Node(Function(function), "Properties", "Timeout") ?? Node(_root, "Globals", "Function", "Timeout"))
            ?? throw new ConfigurationException($"{FileName} gives {function.ResourceName} no Timeout."));

    /// <summary>
    /// The queue and event source mapping settings of <paramref name="consumer"/>'s SQS event: BatchSize, the queue's
    /// VisibilityTimeout and maxReceiveCount. The local mapping reports batch item failures and never waits to fill a
    /// batch, so the template must ask for exactly that.
    /// </summary>
    public QueueOptions EventSource(FunctionDefinition consumer, QueueOptions queue)
    {
        var events = Node(Function(consumer), "Properties", "Events") as YamlMappingNode;
        var sqs = events?.Children.Values.OfType<YamlMappingNode>().FirstOrDefault(e => Scalar(Node(e, "Type")) == "SQS")
            ?? throw new ConfigurationException($"{FileName} gives {consumer.ResourceName} no SQS event.");
        var properties = Node(sqs, "Properties");
        if ((Number(Node(properties, "MaximumBatchingWindowInSeconds")) ?? 0) != 0)
            throw new ConfigurationException($"{FileName}: the local event source mapping has no MaximumBatchingWindowInSeconds but 0.");
        if (Node(properties, "FunctionResponseTypes") is not YamlSequenceNode types
            || !types.Children.Any(type => Scalar(type) == "ReportBatchItemFailures"))
            throw new ConfigurationException($"{FileName}: the local event source mapping runs with ReportBatchItemFailures only.");
        var queueName = Node(properties, "Queue") is YamlScalarNode { Tag.Value: "!GetAtt", Value: { } attribute }
            ? attribute.Split('.')[0]
            : throw new ConfigurationException($"{FileName}: the SQS event of {consumer.ResourceName} names no queue by !GetAtt.");
        var queueProperties = Node(_root, "Resources", queueName, "Properties");
        return queue with
        {
            BatchSize = Number(Node(properties, "BatchSize")) ?? 10,
            VisibilityTimeout = TimeSpan.FromSeconds(Number(Node(queueProperties, "VisibilityTimeout")) ?? 30),
            MaxReceiveCount = Number(Node(queueProperties, "RedrivePolicy", "maxReceiveCount")) ?? queue.MaxReceiveCount,
        };
    }

    private Dictionary<string, YamlNode> Variables(FunctionDefinition function)
    {
        var variables = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var source in new[]
                 {
                     Node(_root, "Globals", "Function", "Environment", "Variables"),
                     Node(Function(function), "Properties", "Environment", "Variables"),
                 })
        {
            if (source is not YamlMappingNode mapping) continue;
            foreach (var (name, value) in mapping.Children) variables[Scalar(name)!] = value;
        }
        return variables;
    }

    private YamlNode Function(FunctionDefinition function) =>
        Node(_root, "Resources", function.ResourceName)
        ?? throw new ConfigurationException($"{FileName} has no {function.ResourceName}.");

    private static string? Resolve(YamlNode node, IReadOnlyDictionary<string, string> references, Uri stageUrl) => node switch
    {
        YamlScalarNode { Tag.IsEmpty: true } scalar => scalar.Value ?? "",
        YamlScalarNode { Tag.Value: "!Ref", Value: { } name } => references.GetValueOrDefault(name),
        YamlScalarNode { Tag.Value: "!Sub", Value: { } text } => text.Contains("${WebSocketApi}", StringComparison.Ordinal)
            ? stageUrl.AbsoluteUri.TrimEnd('/')
            : null,
        YamlSequenceNode { Tag.Value: "!Join" } join when join.Children is [YamlScalarNode { Value: { } separator }, var list] =>
            Resolve(list, references, stageUrl) is { } joined
                ? string.Join(separator, joined.Split(',', StringSplitOptions.RemoveEmptyEntries))
                : null,
        _ => null,
    };

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar => $"{scalar.Tag.Value} {scalar.Value}".Trim(),
        _ => $"{node.Tag.Value} {node}".Trim(),
    };

    private static YamlNode? Node(YamlNode? node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            current = next;
        }
        return current;
    }

    private static string? Scalar(YamlNode? node) => (node as YamlScalarNode)?.Value;

    private static int? Number(YamlNode? node) =>
        Scalar(node) is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}
