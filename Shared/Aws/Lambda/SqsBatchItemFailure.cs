namespace Conduit.Aws.Lambda;

public sealed record SqsBatchItemFailure(string ItemIdentifier);
