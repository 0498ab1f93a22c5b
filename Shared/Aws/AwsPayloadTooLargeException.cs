using System.Net;

namespace Conduit.Aws;

public sealed class AwsPayloadTooLargeException(string errorType, HttpStatusCode status, string message)
    : AwsServiceException(errorType, status, message);
