namespace Conduit.Core.Contracts;

public sealed record PassageRecord(string Source, string Title, string Text, double Score);
