using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

public sealed record StreamedAnswer(string Text, string StopReason, string Model, TokenUsage Usage, bool Cancelled);
