namespace Conduit.Local.Lambda;

/// <summary>
/// A Lambda entry point as the managed runtime sees it: event JSON in, result JSON out.
/// The local host calls the very same <c>Handle(Stream)</c> methods that run on AWS through this delegate.
/// </summary>
public delegate Task<Stream> LambdaHandler(Stream input);
