using Conduit.Ingress;
using Conduit.Workers;

namespace Conduit.Local.Lambda;

/// <summary>
/// The functions template.yaml deploys, by name, each bound to the same <c>Handle(Stream)</c> method Lambda calls.
/// Handlers resolve their Function class on first use, as Lambda constructs it on the first invoke.
/// </summary>
public sealed class LocalFunctions(IServiceProvider services)
{
    public const string Region = "local";
    public const string AccountId = "000000000000";

    public static IReadOnlyList<string> WorkflowFunctionNames { get; } = ["BuildPrompt", "Plan", "Retrieve", "Stream", "NotifyFailure"];

    public LambdaHandler Ingress => input => services.GetRequiredService<IngressFunction>().Handle(input);

    public LambdaHandler Dispatcher => input => services.GetRequiredService<DispatcherFunction>().Handle(input);

    public static string Arn(string functionName) => $"arn:aws:lambda:{Region}:{AccountId}:function:conduit-{functionName}";

    /// <summary>The ASL's <c>${NameFunctionArn}</c> placeholders and their local ARNs.</summary>
    public static IReadOnlyDictionary<string, string> Substitutions { get; } =
        WorkflowFunctionNames.ToDictionary(name => $"{name}FunctionArn", Arn);

    /// <summary>The workflow's Lambda functions by ARN, as the lambda:invoke integration looks them up.</summary>
    public IReadOnlyDictionary<string, LambdaHandler> WorkflowHandlers() => new Dictionary<string, LambdaHandler>
    {
        [Arn("BuildPrompt")] = input => services.GetRequiredService<BuildPromptFunction>().Handle(input),
        [Arn("Plan")] = input => services.GetRequiredService<PlanFunction>().Handle(input),
        [Arn("Retrieve")] = input => services.GetRequiredService<RetrieveFunction>().Handle(input),
        [Arn("Stream")] = input => services.GetRequiredService<StreamFunction>().Handle(input),
        [Arn("NotifyFailure")] = input => services.GetRequiredService<NotifyFailureFunction>().Handle(input),
    };
}
