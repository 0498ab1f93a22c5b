namespace Conduit.Core.Contracts;

public static class PlanActions
{
    public const string Retrieve = "retrieve";

    /// <summary>The Stream step writes the answer (the tool rounds are used up).</summary>
    public const string Answer = "answer";

    /// <summary>The turn is over: the planner streamed the answer itself, or the turn was cancelled or had already finished.</summary>
    public const string Answered = "answered";
}
