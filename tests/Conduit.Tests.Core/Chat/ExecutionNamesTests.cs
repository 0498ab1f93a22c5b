using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;

namespace Conduit.Tests.Core.Chat;

public sealed class ExecutionNamesTests
{
    [Fact]
    public void For_ShortRequestId_IsTheRequestIdThenAUserHashThenTheAttempt()
    {
        var name = ExecutionNames.For(new TurnKey("alice", "r1"), 2);

        Assert.Matches("^r1-[0-9a-f]{16}-2$", name);
        Assert.Equal(name, ExecutionNames.For(new TurnKey("alice", "r1"), 2));
    }

    [Fact]
    public void For_SameRequestIdOfTwoUsersOrTwoAttempts_AreDifferentNames()
    {
        string[] names =
        [
            ExecutionNames.For(new TurnKey("alice", "r1"), 1),
            ExecutionNames.For(new TurnKey("bob", "r1"), 1),
            ExecutionNames.For(new TurnKey("alice", "r1"), 2),
        ];

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(int.MaxValue)]
    public void For_LongestRequestIdsAndAnyAttempt_FitStepFunctionsNameRules(int attempt)
    {
        var prefix = new string('a', ProtocolParser.MaxIdentifierLength - 1);
        var first = ExecutionNames.For(new TurnKey(new string('u', 200), prefix + "1"), attempt);
        var second = ExecutionNames.For(new TurnKey(new string('u', 200), prefix + "2"), attempt);

        Assert.All([first, second], name =>
        {
            Assert.InRange(name.Length, 1, ExecutionNames.MaxLength);
            Assert.Matches("^[A-Za-z0-9_-]+$", name);
            Assert.StartsWith("aaaaaaaaaaaaaaaaaaaa", name, StringComparison.Ordinal);
        });
        Assert.NotEqual(first, second);
    }
}
