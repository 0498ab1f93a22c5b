using System.Text.RegularExpressions;

namespace Conduit.Bench;

/// <summary>
/// us-east-1 list prices, as published on the pages named beside each, taken 2026-11-21 (this machine cannot reach
/// them, so check them before quoting a figure). Each is the first, highest-priced tier; free tiers are left out.
/// </summary>
public static class ListPrices
{
    /// <summary>https://aws.amazon.com/lambda/pricing/: duration, first 7.5 billion GB-seconds a month on Arm.</summary>
    public const double LambdaArm64PerGbSecond = 0.0000133334;

    /// <summary>https://aws.amazon.com/lambda/pricing/: duration, first 6 billion GB-seconds a month on x86.</summary>
    public const double LambdaX86PerGbSecond = 0.0000166667;

    /// <summary>https://aws.amazon.com/lambda/pricing/: $0.20 per million requests.</summary>
    public const double LambdaPerRequest = 0.20 / 1_000_000;

    /// <summary>https://aws.amazon.com/step-functions/pricing/: Standard workflows, $0.025 per 1,000 state transitions.</summary>
    public const double StepFunctionsPerTransition = 0.025 / 1_000;

    /// <summary>https://aws.amazon.com/sqs/pricing/: standard queue, $0.40 per million requests, each 64 KB chunk a request.</summary>
    public const double SqsPerRequest = 0.40 / 1_000_000;

    /// <summary>
    /// https://aws.amazon.com/dynamodb/pricing/on-demand/: $0.125 per million read request units (since the November 2024 cut).
    /// </summary>
    public const double DynamoDbPerReadUnit = 0.125 / 1_000_000;

    /// <summary>
    /// https://aws.amazon.com/dynamodb/pricing/on-demand/: $0.625 per million write request units (since the November 2024 cut).
    /// </summary>
    public const double DynamoDbPerWriteUnit = 0.625 / 1_000_000;

    /// <summary>
    /// https://aws.amazon.com/api-gateway/pricing/: WebSocket, $1.00 per million messages (first billion), metered in 32 KB units.
    /// </summary>
    public const double WebSocketPerMessage = 1.00 / 1_000_000;

    /// <summary>https://aws.amazon.com/api-gateway/pricing/: WebSocket, $0.25 per million connection minutes.</summary>
    public const double WebSocketPerConnectionMinute = 0.25 / 1_000_000;

    /// <summary>https://aws.amazon.com/step-functions/pricing/: Express workflows, $1.00 per million requests (executions).</summary>
    public const double StepFunctionsExpressPerRequest = 1.00 / 1_000_000;

    /// <summary>
    /// https://aws.amazon.com/step-functions/pricing/: Express workflows, $0.00001667 per GB-second for the first 1,000 hours
    /// (3.6 million GB-seconds) a month; billed in 100 ms increments of duration and 64 MB increments of memory.
    /// </summary>
    public const double StepFunctionsExpressPerGbSecond = 0.00001667;

    public const int StepFunctionsExpressMemoryUnitMb = 64;
    public const int StepFunctionsExpressDurationUnitMs = 100;

    /// <summary>
    /// https://aws.amazon.com/cloudwatch/pricing/: vended logs (Step Functions execution logs), $0.50 per GB ingested, first 10 TB.
    /// </summary>
    public const double CloudWatchLogsPerGbIngested = 0.50;

    public const int WebSocketMessageUnitBytes = 32 * 1024;
    public const int SqsRequestUnitBytes = 64 * 1024;
}

/// <summary>
/// A Bedrock model's on-demand prices per million tokens in us-east-1 (https://aws.amazon.com/bedrock/pricing/, Amazon
/// Nova; this machine cannot reach it, so these are as third-party copies of it quoted them on 2026-12-08: check them).
/// </summary>
public sealed record ModelPrice(string Name, double PerMillionInputTokens, double PerMillionOutputTokens)
{
    /// <summary>The template's default ModelId (us.amazon.nova-lite-v1:0).</summary>
    public static ModelPrice NovaLite { get; } = new("Amazon Nova Lite (default)", 0.06, 0.24);

    /// <summary>The next larger model of the same family, for scale.</summary>
    public static ModelPrice NovaPro { get; } = new("Amazon Nova Pro", 0.80, 3.20);

    public double Dollars(double inputTokens, double outputTokens) =>
        (inputTokens * PerMillionInputTokens + outputTokens * PerMillionOutputTokens) / 1_000_000;
}

/// <summary>A function's memory and architecture as template.yaml deploys it.</summary>
public sealed record FunctionSizing(int MemoryMb, string Architecture)
{
    public double PricePerGbSecond => Architecture == "arm64" ? ListPrices.LambdaArm64PerGbSecond : ListPrices.LambdaX86PerGbSecond;

    /// <summary>Lambda bills duration rounded up to the millisecond, at the configured memory.</summary>
    public double GbSeconds(TimeSpan duration) => Math.Ceiling(duration.TotalMilliseconds) / 1000 * MemoryMb / 1024;
}

/// <summary>
/// Reads each <c>AWS::Serverless::Function</c>'s MemorySize and Architectures from template.yaml, falling back to the
/// Globals, then to Lambda's own defaults. A line reader, not a YAML parser: the template's tags (!Ref, !Sub) and its
/// two-space layout are all it needs to understand.
/// </summary>
public static partial class TemplateSizing
{
    private static readonly FunctionSizing LambdaDefaults = new(128, "x86_64");

    /// <summary>Functions by name without the "Function" suffix: "Stream" for StreamFunction.</summary>
    public static IReadOnlyDictionary<string, FunctionSizing> Read(string templatePath)
    {
        var memory = new Dictionary<string, int>(StringComparer.Ordinal);
        var architecture = new Dictionary<string, string>(StringComparer.Ordinal);
        var functions = new List<string>();
        string section = "", entry = "";
        foreach (var line in File.ReadLines(templatePath))
        {
            if (TopLevelKey().Match(line) is { Success: true } top) (section, entry) = (top.Groups[1].Value, "");
            else if (SecondLevelKey().Match(line) is { Success: true } second) entry = second.Groups[1].Value;
            var owner = $"{section}/{entry}";
            if (MemorySize().Match(line) is { Success: true } size)
                memory[owner] = int.Parse(size.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (Architectures().Match(line) is { Success: true } arch) architecture[owner] = arch.Groups[1].Value;
            if (section == "Resources" && ServerlessFunction().IsMatch(line)) functions.Add(entry);
        }

        var globalMemory = memory.GetValueOrDefault("Globals/Function", LambdaDefaults.MemoryMb);
        var globalArchitecture = architecture.GetValueOrDefault("Globals/Function", LambdaDefaults.Architecture);
        return functions.ToDictionary(
            name => name.EndsWith("Function", StringComparison.Ordinal) ? name[..^"Function".Length] : name,
            name => new FunctionSizing(
                memory.GetValueOrDefault($"Resources/{name}", globalMemory),
                architecture.GetValueOrDefault($"Resources/{name}", globalArchitecture)),
            StringComparer.Ordinal);
    }

    /// <summary>The default of the WorkflowType parameter: the workflow type this model prices.</summary>
    public static string DefaultWorkflowType(string templatePath)
    {
        var inParameter = false;
        foreach (var line in File.ReadLines(templatePath))
        {
            if (SecondLevelKey().Match(line) is { Success: true } second) inParameter = second.Groups[1].Value == "WorkflowType";
            else if (inParameter && DefaultValue().Match(line) is { Success: true } value) return value.Groups[1].Value;
        }
        return "STANDARD";
    }

    [GeneratedRegex(@"^\s+Default:\s*(\w+)\s*$")]
    private static partial Regex DefaultValue();

    [GeneratedRegex(@"^(\w+):\s*$")]
    private static partial Regex TopLevelKey();

    [GeneratedRegex(@"^  (\w+):\s*$")]
    private static partial Regex SecondLevelKey();

    [GeneratedRegex(@"^\s+MemorySize:\s*(\d+)\s*$")]
    private static partial Regex MemorySize();

    /// <summary>
    /// <c>[arm64]</c>, or <c>[!If [IsNativeAot, x86_64, arm64]]</c>, whose last choice is the default FunctionRuntime
    /// (dotnet10), the deployment this model prices.
    /// </summary>
    [GeneratedRegex(@"^\s+Architectures:\s*\[\s*(?:!If\s*\[\s*IsNativeAot\s*,\s*\w+\s*,\s*)?(\w+)\s*\]?\s*\]\s*$")]
    private static partial Regex Architectures();

    [GeneratedRegex(@"^\s+Type:\s*AWS::Serverless::Function\s*$")]
    private static partial Regex ServerlessFunction();
}
