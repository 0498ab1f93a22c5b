using System.Net;

namespace Conduit.Aws;

public sealed class AwsNotFoundException(string errorType, HttpStatusCode status, string message)
    : AwsServiceException(errorType, status, message);
