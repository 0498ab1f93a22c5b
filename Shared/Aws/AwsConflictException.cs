using System.Net;

namespace Conduit.Aws;

public sealed class AwsConflictException(string errorType, HttpStatusCode status, string message)
    : AwsServiceException(errorType, status, message);
