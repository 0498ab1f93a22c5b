namespace Conduit.Aws.Lambda;

/// <summary>
/// The partial batch response; honoured when the mapping has ReportBatchItemFailures. Absent or null failures
/// mean the whole batch succeeded, as Lambda reads it.
/// </summary>
public sealed record SqsBatchResponse(IReadOnlyList<SqsBatchItemFailure>? BatchItemFailures = null);
