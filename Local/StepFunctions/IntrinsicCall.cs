using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>A parsed intrinsic function invocation, <c>States.Name(arguments)</c>, checked against its function at load.</summary>
internal sealed record IntrinsicCall(IntrinsicFunction Function, IReadOnlyList<IntrinsicArgument> Arguments) : IntrinsicArgument
{
    public override JsonNode? Evaluate(PathScope scope, string field)
    {
        // A call such as States.Array($, $, ...) could otherwise copy the state's data once per argument; what one
        // call receives must fit the payload quota, as the value it builds would have to.
        var values = new List<JsonNode?>(Arguments.Count);
        var bytes = 0;
        foreach (var argument in Arguments)
        {
            var value = argument.Evaluate(scope, field);
            bytes += Encoding.UTF8.GetByteCount(AslJson.Serialize(value));
            if (bytes > AslJson.MaxPayloadBytes)
            {
                throw new StatesErrorException(
                    StatesErrors.DataLimitExceeded,
                    $"The arguments of {Function.Name} in the field '{field}' are more than the {AslJson.MaxPayloadBytes}-byte limit.");
            }

            values.Add(value);
        }

        return Function.Invoke(new IntrinsicInvocation(this, values, field));
    }
}

internal abstract record IntrinsicArgument
{
    public abstract JsonNode? Evaluate(PathScope scope, string field);
}

/// <summary>
/// A literal argument. A string literal also keeps the pieces it falls into at its unescaped <c>{}</c>, which is what
/// States.Format fills in: an escaped <c>\{</c> or <c>\}</c> is text, not part of a placeholder.
/// </summary>
internal sealed record LiteralArgument(JsonNode? Value, IReadOnlyList<string>? FormatPieces = null) : IntrinsicArgument
{
    public override JsonNode? Evaluate(PathScope scope, string field) => Value?.DeepClone();
}

internal sealed record PathArgument(ReferencePath Path) : IntrinsicArgument
{
    public override JsonNode? Evaluate(PathScope scope, string field)
    {
        if (Path.TryResolve(scope, out var value)) return value?.DeepClone();
        var where = Path.TargetsContext ? "the context object" : "the input";
        throw StatesErrorException.Runtime(
            $"The JsonPath argument '{Path}' of an intrinsic function in the field '{field}' could not be found in {where}.");
    }
}

/// <summary>The values one invocation receives, and how it reports a failure as <c>States.IntrinsicFailure</c>.</summary>
internal sealed record IntrinsicInvocation(IntrinsicCall Call, IReadOnlyList<JsonNode?> Values, string Field)
{
    public StatesErrorException Failure(string problem) => new(
        StatesErrors.IntrinsicFailure, $"The intrinsic function {Call.Function.Name} in the field '{Field}' failed: {problem}");
}
