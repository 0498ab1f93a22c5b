using Conduit.Local.Edge;

namespace Conduit.Local.Queue;

/// <summary>
/// The errors the SQS JSON API answers with: the shape in <c>__type</c>, and the legacy Query code in
/// <c>x-amzn-query-error</c>, which the SDKs of an awsQueryCompatible service report as the code.
/// </summary>
internal static class SqsErrors
{
    public const string Namespace = "com.amazonaws.sqs";

    public static AwsJsonException QueueDoesNotExist() =>
        Sender("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");

    public static AwsJsonException QueueNameExists(string message) => Sender("QueueNameExists", "QueueAlreadyExists", message);

    public static AwsJsonException InvalidAttributeName(string name) =>
        Sender("InvalidAttributeName", "InvalidAttributeName", $"Unknown Attribute {name}.");

    public static AwsJsonException InvalidAttributeValue(string name, string reason) =>
        Sender("InvalidAttributeValue", "InvalidAttributeValue", $"Invalid value for the parameter {name}. Reason: {reason}");

    public static AwsJsonException InvalidParameterValue(string message) =>
        Sender("InvalidParameterValue", "InvalidParameterValue", message);

    public static AwsJsonException MissingParameter(string parameter) =>
        Sender("MissingParameter", "MissingParameter", $"The request must contain the parameter {parameter}.");

    public static AwsJsonException InvalidMessageContents(string message) =>
        Sender("InvalidMessageContents", "InvalidMessageContents", message);

    public static AwsJsonException ReceiptHandleIsInvalid(string receiptHandle) =>
        Sender(
            "ReceiptHandleIsInvalid",
            "ReceiptHandleIsInvalid",
            $"The input receipt handle \"{receiptHandle}\" is not a valid receipt handle.");

    public static AwsJsonException MessageNotInflight() =>
        Sender("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message referred to is not in flight.");

    public static AwsJsonException EmptyBatchRequest() =>
        Sender("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one entry in the request.");

    public static AwsJsonException TooManyEntriesInBatchRequest(int count) => Sender(
        "TooManyEntriesInBatchRequest",
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        $"Maximum number of entries per request are {SqsJsonApi.MaxBatchEntries}. You have sent {count}.");

    public static AwsJsonException BatchEntryIdsNotDistinct(string id) => Sender(
        "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", $"Id {id} repeated.");

    public static AwsJsonException InvalidBatchEntryId(string id) => Sender(
        "InvalidBatchEntryId",
        "AWS.SimpleQueueService.InvalidBatchEntryId",
        $"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long: '{id}'.");

    public static AwsJsonException BatchRequestTooLong(int size) => Sender(
        "BatchRequestTooLong",
        "AWS.SimpleQueueService.BatchRequestTooLong",
        $"Batch requests cannot be longer than {SqsMessageLimits.MaxMessageBytes} bytes. You have sent {size} bytes.");

    public static AwsJsonException UnsupportedOperation(string message) =>
        Sender("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", message);

    private static AwsJsonException Sender(string shape, string queryCode, string message) =>
        new(400, $"{Namespace}#{shape}", message) { QueryError = $"{queryCode};Sender" };
}
