using System.Net;
using System.Text.Json;

namespace Conduit.Aws;

public sealed class AwsConflictException(string errorType, HttpStatusCode status, string message) : AwsServiceException(errorType, status, message);
