namespace Conduit.Aws;

/// <summary>A setting is missing or malformed; the message is one line naming it.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
