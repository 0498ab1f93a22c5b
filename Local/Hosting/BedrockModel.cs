namespace Conduit.Local.Hosting;

public sealed record BedrockModel(string ModelId) : ModelChoice;
