using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A <c>Parameters</c>, <c>ResultSelector</c> or Pass <c>Result</c> value: JSON copied as written, except that a key
/// ending in <c>.$</c> takes the value its path selects (from the data, or from the context object with <c>$$</c>)
/// or its intrinsic function returns, and loses the suffix. Objects and arrays are processed at every depth.
/// </summary>
internal sealed class PayloadTemplate
{
    private const string PathKeySuffix = ".$";

    private readonly TemplateNode _root;

    private PayloadTemplate(TemplateNode root) => _root = root;

    /// <summary>A template of fixed JSON, as a Pass state's <c>Result</c> is.</summary>
    public static PayloadTemplate Constant(JsonNode? value) => new(new ConstantNode(value?.DeepClone()));

    public static PayloadTemplate Parse(JsonNode? json, string location) => new(ParseNode(json, location));

    public JsonNode? Evaluate(PathScope scope) => _root.Evaluate(scope);

    private static TemplateNode ParseNode(JsonNode? json, string location) => json switch
    {
        JsonObject container => ParseObject(container, location),
        JsonArray array => new ArrayNode([.. array.Select(item => ParseNode(item, location))]),
        _ => new ConstantNode(json?.DeepClone()),
    };

    private static ObjectNode ParseObject(JsonObject container, string location)
    {
        var properties = new List<KeyValuePair<string, TemplateNode>>(container.Count);
        foreach (var (key, value) in container)
        {
            if (!key.EndsWith(PathKeySuffix, StringComparison.Ordinal))
            {
                properties.Add(new(key, ParseNode(value, location)));
                continue;
            }

            var name = key[..^PathKeySuffix.Length];
            if (container.ContainsKey(name))
            {
                throw new AslLoadException($"{location} has both \"{name}\" and \"{key}\"; only one of them can set \"{name}\"");
            }

            if (value is not JsonValue text || !text.TryGetValue<string>(out var pathText))
            {
                throw new AslLoadException($"{location} field \"{key}\" must be a string holding a path");
            }

            properties.Add(new(name, ParseDynamicNode(pathText, location, key)));
        }

        return new ObjectNode(properties);
    }

    /// <summary>A <c>.$</c> value: an intrinsic function invocation, or a Path whose wildcards and filters select an array.</summary>
    private static TemplateNode ParseDynamicNode(string text, string location, string field) =>
        IntrinsicFunctionParser.LooksLikeInvocation(text)
            ? new IntrinsicNode(field, IntrinsicFunctionParser.Parse(text, location, field))
            : new PathNode(field, DefinitionPaths.ParsePath(text, location, field));

    private abstract record TemplateNode
    {
        public abstract JsonNode? Evaluate(PathScope scope);
    }

    private sealed record ConstantNode(JsonNode? Value) : TemplateNode
    {
        public override JsonNode? Evaluate(PathScope scope) => Value?.DeepClone();
    }

    private sealed record PathNode(string Field, ReferencePath Path) : TemplateNode
    {
        public override JsonNode? Evaluate(PathScope scope)
        {
            if (Path.TryResolve(scope, out var value)) return value?.DeepClone();
            var where = Path.VariableName is not null ? "the variables" : Path.TargetsContext ? "the context object" : "the input";
            throw StatesErrorException.Runtime($"The JSONPath '{Path}' specified for the field '{Field}' could not be found in {where}.");
        }
    }

    private sealed record IntrinsicNode(string Field, IntrinsicCall Call) : TemplateNode
    {
        public override JsonNode? Evaluate(PathScope scope) => Call.Evaluate(scope, Field);
    }

    private sealed record ObjectNode(IReadOnlyList<KeyValuePair<string, TemplateNode>> Properties) : TemplateNode
    {
        public override JsonNode? Evaluate(PathScope scope)
        {
            var result = new JsonObject();
            foreach (var (name, node) in Properties) result[name] = node.Evaluate(scope);
            return result;
        }
    }

    private sealed record ArrayNode(IReadOnlyList<TemplateNode> Items) : TemplateNode
    {
        public override JsonNode? Evaluate(PathScope scope) => new JsonArray([.. Items.Select(item => item.Evaluate(scope))]);
    }
}
