using System.Text;
using System.Threading.Channels;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;
using Microsoft.Extensions.AI;

namespace Conduit.Core.Chat;

public sealed record StreamedAnswer(string Text, string StopReason, string Model, TokenUsage Usage, bool Cancelled);
