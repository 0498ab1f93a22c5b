using System.Text.RegularExpressions;

namespace Conduit.Local.Hosting;

public sealed record BedrockKnowledgeBaseChoice(string KnowledgeBaseId) : KnowledgeBaseChoice;
