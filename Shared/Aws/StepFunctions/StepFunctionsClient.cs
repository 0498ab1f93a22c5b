using System.Text.Json.Serialization.Metadata;
using Conduit.Aws.Serialization;

namespace Conduit.Aws.StepFunctions;

/// <summary>
/// AWS Step Functions over the AWS JSON 1.0 protocol: every call is a POST to the service root naming its
/// operation in <c>X-Amz-Target</c>. Timestamps arrive as epoch seconds (fractional).
/// </summary>
public sealed class StepFunctionsClient
{
    public const string SigningName = "states";

    private readonly AwsHttp _http;
    private readonly Uri _endpoint;

    public StepFunctionsClient(AwsClientSettings settings)
    {
        _http = new AwsHttp(SigningName, settings);
        _endpoint = settings.EndpointFor("states");
    }

    /// <summary>
    /// Idempotent for Standard workflows: the same name and input as a running execution returns that execution;
    /// a closed one, or a different input, fails with ExecutionAlreadyExists (<see cref="AwsConflictException"/>).
    /// </summary>
    public async Task<StepFunctionsExecutionStart> StartExecutionAsync(
        string stateMachineArn, string name, string input, string? traceHeader, CancellationToken cancellationToken)
    {
        var output = await CallAsync(
            "StartExecution",
            new StartExecutionInput(stateMachineArn, name, input, traceHeader),
            AwsJsonContext.Wire.StartExecutionInput,
            AwsJsonContext.Wire.StartExecutionOutput,
            cancellationToken).ConfigureAwait(false);
        return new StepFunctionsExecutionStart(output.ExecutionArn, FromEpochSeconds(output.StartDate));
    }

    /// <summary>Stops a Standard execution and returns when it stopped; Express executions cannot be stopped.</summary>
    public async Task<DateTimeOffset> StopExecutionAsync(
        string executionArn, string? error, string? cause, CancellationToken cancellationToken)
    {
        var output = await CallAsync(
            "StopExecution",
            new StopExecutionInput(executionArn, error, cause),
            AwsJsonContext.Wire.StopExecutionInput,
            AwsJsonContext.Wire.StopExecutionOutput,
            cancellationToken).ConfigureAwait(false);
        return FromEpochSeconds(output.StopDate);
    }

    /// <summary>Eventually consistent: an execution just started may briefly be reported as not existing.</summary>
    public async Task<StepFunctionsExecution> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        var output = await CallAsync(
            "DescribeExecution",
            new DescribeExecutionInput(executionArn),
            AwsJsonContext.Wire.DescribeExecutionInput,
            AwsJsonContext.Wire.DescribeExecutionOutput,
            cancellationToken).ConfigureAwait(false);
        return new StepFunctionsExecution(
            output.ExecutionArn,
            output.StateMachineArn,
            output.Name,
            output.Status,
            FromEpochSeconds(output.StartDate),
            output.StopDate is { } stopDate ? FromEpochSeconds(stopDate) : null,
            output.Input,
            output.Output,
            output.Error,
            output.Cause);
    }

    private Task<TOutput> CallAsync<TInput, TOutput>(
        string operation,
        TInput input,
        JsonTypeInfo<TInput> inputType,
        JsonTypeInfo<TOutput> outputType,
        CancellationToken cancellationToken) =>
        _http.CallJson10Async(_endpoint, $"AWSStepFunctions.{operation}", input, inputType, outputType, cancellationToken);

    private static DateTimeOffset FromEpochSeconds(double seconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
}
