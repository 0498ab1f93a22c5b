namespace Conduit.Local.Edge;

/// <summary>A recognised AWS JSON request: the service it is for and the operation it names.</summary>
public sealed record AwsJsonTarget(IAwsJsonService Service, string Operation);
