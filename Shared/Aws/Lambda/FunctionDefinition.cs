namespace Conduit.Aws.Lambda;

/// <summary>One function template.yaml deploys: its name, the class that handles it, and what invokes it.</summary>
public sealed record FunctionDefinition(string Name, string Assembly, string ClassName, FunctionRole Role)
{
    /// <summary>The handler string both Lambda runtimes read (<c>Assembly::Type::Method</c>).</summary>
    public string Handler => $"{Assembly}::{Assembly}.{ClassName}::{nameof(LambdaFunction.Handle)}";

    /// <summary>The template's logical id of the function resource.</summary>
    public string ResourceName => $"{Name}Function";

    /// <summary>The ASL placeholder (<c>${NameFunctionArn}</c>) a workflow task names the function by.</summary>
    public string ArnPlaceholder => $"{Name}FunctionArn";
}
