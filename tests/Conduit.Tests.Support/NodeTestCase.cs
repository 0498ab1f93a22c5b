using Xunit.Abstractions;
using Xunit.Sdk;

namespace Conduit.Tests.Support;

/// <summary>
/// xunit 2 fixes a skip reason at discovery and has no dynamic skip, and the same inherited contract test must run
/// for SQLite everywhere but for DynamoDB only where Node.js is installed: so the reason is decided per test class here.
/// </summary>
public sealed class NodeTestCase : XunitTestCase
{
    [Obsolete("For xunit's de-serializer only.")]
    public NodeTestCase()
    {
    }

    public NodeTestCase(
        IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions,
        ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresNodeAttribute)).Any() && NodeTools.MissingReason is { } reason
            ? reason
            : base.GetSkipReason(factAttribute);
}
