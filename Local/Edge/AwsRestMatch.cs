namespace Conduit.Local.Edge;

/// <summary>A recognised REST-JSON request: the service, the operation's route and the values of its labels.</summary>
public sealed record AwsRestMatch(IAwsRestService Service, AwsRestRoute Route, IReadOnlyDictionary<string, string> Labels);
