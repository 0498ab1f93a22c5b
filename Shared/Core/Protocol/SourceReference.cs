namespace Conduit.Core.Protocol;

public sealed record SourceReference(string Source, string Title, double Score);
