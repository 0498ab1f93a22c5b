using System.Net;

namespace Conduit.Aws;

public sealed class AwsAccessDeniedException(string errorType, HttpStatusCode status, string message)
    : AwsServiceException(errorType, status, message);
