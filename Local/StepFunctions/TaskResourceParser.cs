namespace Conduit.Local.StepFunctions;

/// <summary>
/// Which Task <c>Resource</c> values a definition may use, given the integrations the host offers: those exact
/// resources, a Lambda function's ARN when lambda:invoke is offered (the direct form AWS also accepts), and the
/// <c>.waitForTaskToken</c> variant of an integration that can carry a task token.
/// </summary>
internal static class TaskResourceParser
{
    public const string WaitForTaskTokenSuffix = ".waitForTaskToken";

    /// <summary>The integrations AWS offers <c>.waitForTaskToken</c> for, among those the local interpreter has.</summary>
    private static readonly string[] CallbackCapable =
        [LambdaInvokeTaskInvoker.Resource, "arn:aws:states:::sqs:sendMessage"];

    /// <summary>The resource an invoker runs and whether the state waits for a task token once it has run.</summary>
    public static (string Resource, bool WaitsForTaskToken) Split(string resource) =>
        resource.EndsWith(WaitForTaskTokenSuffix, StringComparison.Ordinal)
            ? (resource[..^WaitForTaskTokenSuffix.Length], true)
            : (resource, false);

    /// <exception cref="AslLoadException">The resource is not supported; the message lists what is.</exception>
    public static void Validate(DefinitionObject state, string resource, IReadOnlySet<string> supported)
    {
        if (IsSupported(resource, supported)) return;
        var hint = resource.StartsWith(DynamoDbTaskInvoker.ResourcePrefix, StringComparison.Ordinal)
            ? " (DynamoDB's integrations run on the host's own store, so they need it started with --store dynamodb[:<endpoint>])"
            : "";
        throw state.Invalid(
            $"uses resource \"{resource}\", which the local interpreter does not support{hint}; supported: {Describe(supported)}");
    }

    private static bool IsSupported(string resource, IReadOnlySet<string> supported)
    {
        var (integration, waits) = Split(resource);
        if (waits) return supported.Contains(integration) && CallbackCapable.Contains(integration);
        return supported.Contains(resource)
            || (supported.Contains(LambdaInvokeTaskInvoker.Resource) && LambdaFunctionName.FromResourceArn(resource) is not null);
    }

    private static string Describe(IReadOnlySet<string> supported)
    {
        var forms = supported.Order(StringComparer.Ordinal).ToList();
        forms.AddRange(supported.Where(CallbackCapable.Contains).Order(StringComparer.Ordinal).Select(r => r + WaitForTaskTokenSuffix));
        if (supported.Contains(LambdaInvokeTaskInvoker.Resource)) forms.Add($"a Lambda function ARN ({LambdaFunctionName.ArnForm})");
        return string.Join(", ", forms);
    }
}
