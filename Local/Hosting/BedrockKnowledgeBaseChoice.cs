namespace Conduit.Local.Hosting;

public sealed record BedrockKnowledgeBaseChoice(string KnowledgeBaseId) : KnowledgeBaseChoice;
