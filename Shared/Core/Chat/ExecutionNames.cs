using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Conduit.Core.Ports;

namespace Conduit.Core.Chat;

/// <summary>
/// Names of the chat-turn executions. Step Functions keeps a name unique per state machine for 90 days and allows
/// 1 to 80 characters of A-Z, a-z, 0-9, '-' and '_'; requestIds are unique per user only, and every retry is an
/// execution of its own. So the name is the requestId (readable, and what the console's search finds), a stable
/// hash of the user, and the attempt: <c>r1-3f9a0c1b2d4e5f60-1</c>.
/// </summary>
public static class ExecutionNames
{
    public const int MaxLength = 80;
    private const int UserHashLength = 16;
    private const int RequestIdHashLength = 8;

    /// <summary>
    /// A requestId too long to fit keeps its start and ends in a hash of the whole of it, so two long requestIds
    /// that share a start still name different executions.
    /// </summary>
    public static string For(TurnKey turn, int attempt)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var suffix = $"-{Hash(turn.UserId, UserHashLength)}-{attempt.ToString(CultureInfo.InvariantCulture)}";
        var room = MaxLength - suffix.Length;
        var requestId = turn.RequestId.Length <= room
            ? turn.RequestId
            : $"{turn.RequestId[..(room - RequestIdHashLength - 1)]}-{Hash(turn.RequestId, RequestIdHashLength)}";
        return requestId + suffix;
    }

    private static string Hash(string value, int length) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..length];
}
