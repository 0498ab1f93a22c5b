namespace Conduit.Core.Contracts;

public static class PlanActions
{
    public const string Retrieve = "retrieve";
    public const string Answer = "answer";
}
