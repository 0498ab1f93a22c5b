using System.Text.RegularExpressions;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A Lambda function as Invoke's <c>FunctionName</c> names it: <c>Name</c>, <c>Name:qualifier</c>,
/// <c>account:function:Name[:qualifier]</c> or <c>arn:partition:lambda:region:account:function:Name[:qualifier]</c>.
/// </summary>
internal sealed partial record LambdaFunctionName(string Name, string? Qualifier, string? Region, string? Account)
{
    public const string ArnForm = "arn:aws:lambda:<region>:<account>:function:<name>";

    /// <summary>
    /// Parses <paramref name="functionName"/> and merges <paramref name="qualifier"/> (Invoke's <c>Qualifier</c>) into it.
    /// Failures are reported as Lambda reports them to Step Functions.
    /// </summary>
    public static LambdaFunctionName Parse(string functionName, string? qualifier)
    {
        var parsed = TryParse(functionName)
            ?? throw new TaskFailedException(
                "Lambda.AWSLambdaException",
                $"1 validation error detected: Value '{functionName}' at 'functionName' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: a function name, partial ARN or ARN. "
                + "The FunctionName must be Name, Name:qualifier, account:function:Name[:qualifier] or "
                + $"{ArnForm}[:qualifier]. (Service: AWSLambda; Status Code: 400; Error Code: ValidationException)");
        if (qualifier is null) return parsed;
        if (!QualifierPattern().IsMatch(qualifier))
        {
            throw new TaskFailedException(
                "Lambda.AWSLambdaException",
                $"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+) (Service: AWSLambda; Status Code: 400; "
                + "Error Code: ValidationException)");
        }

        return parsed.Qualifier is null || parsed.Qualifier == qualifier
            ? parsed with { Qualifier = qualifier }
            : throw new TaskFailedException(
                "Lambda.InvalidParameterValueException",
                "The derived qualifier from the function name does not match the specified qualifier. "
                + "(Service: AWSLambda; Status Code: 400; Error Code: InvalidParameterValueException)");
    }

    /// <summary>The function named by a Task state's direct <c>arn:aws:lambda:...:function:Name</c> resource, or null.</summary>
    public static LambdaFunctionName? FromResourceArn(string resource) =>
        resource.StartsWith("arn:", StringComparison.Ordinal) && TryParse(resource) is { } name ? name : null;

    /// <summary>The ARN Lambda reports for this function when the name leaves out where it lives.</summary>
    public string Arn(string defaultRegion, string defaultAccount) =>
        $"arn:aws:lambda:{Region ?? defaultRegion}:{Account ?? defaultAccount}:function:{Name}";

    private static LambdaFunctionName? TryParse(string functionName)
    {
        var parts = functionName.Split(':');
        var parsed = parts switch
        {
            [var name] => new LambdaFunctionName(name, null, null, null),
            [var name, var qualifier] => new LambdaFunctionName(name, qualifier, null, null),
            [var account, "function", var name] => new LambdaFunctionName(name, null, null, account),
            [var account, "function", var name, var qualifier] => new LambdaFunctionName(name, qualifier, null, account),
            ["arn", [_, ..], "lambda", var region, var account, "function", var name] =>
                new LambdaFunctionName(name, null, region, account),
            ["arn", [_, ..], "lambda", var region, var account, "function", var name, var qualifier] =>
                new LambdaFunctionName(name, qualifier, region, account),
            _ => null,
        };
        return parsed is not null
            && NamePattern().IsMatch(parsed.Name)
            && (parsed.Qualifier is null || QualifierPattern().IsMatch(parsed.Qualifier))
            && (parsed.Account is null || AccountPattern().IsMatch(parsed.Account))
            && (parsed.Region is null || RegionPattern().IsMatch(parsed.Region))
            ? parsed
            : null;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9$_-]{1,128}$")]
    private static partial Regex QualifierPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex RegionPattern();
}
