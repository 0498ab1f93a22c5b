namespace Conduit.Local.StepFunctions;

/// <summary>The ARNs of state machines and their executions, and how one leads to the other.</summary>
public static class StateMachineArns
{
    public static string StateMachine(string region, string account, string name) =>
        $"arn:aws:states:{region}:{account}:stateMachine:{name}";

    /// <summary>The name a state machine ARN ends with.</summary>
    /// <exception cref="InvalidArnException">It is not a state machine ARN.</exception>
    public static string NameOf(string stateMachineArn) =>
        stateMachineArn.Split(':') is ["arn", _, "states", _, _, "stateMachine", { Length: > 0 } name]
            ? name
            : throw new InvalidArnException($"Invalid Arn: 'Resource type not valid in this context: {stateMachineArn}'");

    /// <summary>The state machine an execution ARN belongs to, and the execution's name.</summary>
    /// <exception cref="InvalidArnException">It is not an execution ARN.</exception>
    public static (string StateMachineArn, string ExecutionName) SplitExecution(string executionArn) =>
        executionArn.Split(':') is ["arn", var partition, "states", var region, var account, "execution", { Length: > 0 } machine,
            { Length: > 0 } name]
            ? ($"arn:{partition}:states:{region}:{account}:stateMachine:{machine}", name)
            : throw new InvalidArnException($"Invalid Arn: 'Resource type not valid in this context: {executionArn}'");
}
