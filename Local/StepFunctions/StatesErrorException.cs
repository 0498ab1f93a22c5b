using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>A Step Functions error travelling through the interpreter towards a retrier, a catcher or the execution's end.</summary>
internal sealed class StatesErrorException(string error, string? cause) : Exception(cause is null ? error : $"{error}: {cause}")
{
    public string Error { get; } = error;

    public string? Cause { get; } = cause;

    public bool IsTerminal => StatesErrors.IsTerminal(Error);

    public static StatesErrorException Runtime(string cause) => new(StatesErrors.Runtime, cause);

    /// <summary>The object a catcher hands to its <c>ResultPath</c>, shaped as AWS shapes it.</summary>
    public JsonObject ToErrorOutput()
    {
        var output = new JsonObject { ["Error"] = Error };
        if (Cause is not null) output["Cause"] = Cause;
        return output;
    }
}
