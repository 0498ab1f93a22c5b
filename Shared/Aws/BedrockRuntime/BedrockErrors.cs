using Conduit.Core.Chat;

namespace Conduit.Aws.BedrockRuntime;

internal static class BedrockErrors
{
    /// <summary>
    /// Throttling becomes <see cref="ModelThrottledException"/>, the type the workflow's Retry names; every other
    /// error keeps its typed <see cref="AwsServiceException"/>.
    /// </summary>
    public static Exception ForModel(AwsServiceException error, string modelId) =>
        error is AwsThrottlingException
            ? new ModelThrottledException($"Bedrock is throttling model {modelId} ({error.ErrorType}): {error.Message}", error)
            : error;

    /// <summary>
    /// No answer at all, after the client's own retries (refused, reset before a byte came back): nothing of the turn
    /// was lost, so the turn is told it may retry.
    /// </summary>
    public static ModelUnavailableException Unreachable(HttpRequestException error, string modelId) =>
        new($"Bedrock could not be reached for model {modelId}: {error.Message}", error);
}
