using System.Net;
using System.Text.Json;

namespace Conduit.Aws;

public sealed class AwsPayloadTooLargeException(string errorType, HttpStatusCode status, string message) : AwsServiceException(errorType, status, message);
