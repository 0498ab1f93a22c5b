using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

public sealed class FaultInjectionTests
{
    [Fact]
    public void Parse_NameCountError_ReadsAllThree()
    {
        Assert.Equal(
            new InjectedFault("conduit-Stream", 2, "Lambda.TooManyRequestsException"),
            InjectedFault.Parse("conduit-Stream:2:Lambda.TooManyRequestsException"));
    }

    [Theory]
    [InlineData("conduit-Stream")]
    [InlineData("conduit-Stream:0:Lambda.ServiceException")]
    [InlineData("conduit-Stream:two:Lambda.ServiceException")]
    [InlineData("conduit-Stream:1:")]
    [InlineData("not a name:1:Lambda.ServiceException")]
    public void Parse_Malformed_FailsNamingTheSyntax(string text)
    {
        var exception = Assert.Throws<ArgumentException>(() => InjectedFault.Parse(text));

        Assert.Contains(InjectedFault.Syntax, exception.Message);
    }

    [Fact]
    public async Task InvokeAsync_FaultForOneFunction_FailsItsFirstInvocationsOnlyAndLeavesOthersAlone()
    {
        var inner = ScriptedTaskInvoker.Returning("\"ran\"");
        var invoker = new FaultInjectingTaskInvoker(inner, [InjectedFault.Parse("answer:2:Lambda.ServiceException")]);
        var answer = JsonNode.Parse("""{ "FunctionName": "arn:aws:lambda:local:000000000000:function:answer:live" }""");
        var other = JsonNode.Parse("""{ "FunctionName": "other" }""");

        var first = await Assert.ThrowsAsync<TaskFailedException>(
            () => invoker.InvokeAsync(LambdaInvokeTaskInvoker.Resource, answer, CancellationToken.None));
        await invoker.InvokeAsync(LambdaInvokeTaskInvoker.Resource, other, CancellationToken.None);
        await Assert.ThrowsAsync<TaskFailedException>(
            () => invoker.InvokeAsync("arn:aws:lambda:local:000000000000:function:answer", null, CancellationToken.None));
        var third = await invoker.InvokeAsync(LambdaInvokeTaskInvoker.Resource, answer, CancellationToken.None);

        Assert.Equal("Lambda.ServiceException", first.Error);
        Assert.Equal("\"ran\"", third?.ToJsonString());
        Assert.Equal(2, inner.Invocations.Count);
    }
}
