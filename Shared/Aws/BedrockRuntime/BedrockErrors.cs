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
}
