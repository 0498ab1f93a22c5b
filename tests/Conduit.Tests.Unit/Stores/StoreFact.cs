using Xunit.Abstractions;
using Xunit.Sdk;

namespace Conduit.Tests.Unit.Stores;

/// <summary>A fact that <see cref="StoreTestCase"/> runs, so a test class marked <see cref="RequiresNodeAttribute"/> can skip itself.</summary>
[XunitTestCaseDiscoverer("Conduit.Tests.Unit.Stores.StoreFactDiscoverer", "Conduit.Tests.Unit")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>The test class runs against a Node.js program (dynalite), so it is skipped, saying why, where Node.js is missing.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresNodeAttribute : Attribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>
/// xunit 2 fixes a skip reason at discovery and has no dynamic skip, and the same inherited contract test must run
/// for SQLite everywhere but for DynamoDB only where Node.js is installed: so the reason is decided per test class here.
/// </summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("For xunit's de-serializer only.")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresNodeAttribute)).Any() && NodeTools.MissingReason is { } reason
            ? reason
            : base.GetSkipReason(factAttribute);
}

/// <summary>The node and npm executables on PATH.</summary>
public sealed record NodeTools(string Node, string Npm)
{
    private static readonly Lazy<NodeTools?> Installed = new(() =>
        FindOnPath("node") is { } node && FindOnPath("npm") is { } npm ? new NodeTools(node, npm) : null);

    public static NodeTools? Find() => Installed.Value;

    public static string? MissingReason => Find() is null
        ? "Node.js (node and npm on PATH) is required to run the DynamoDB store tests on dynalite; install it to run them."
        : null;

    private static string? FindOnPath(string name)
    {
        string[] names = OperatingSystem.IsWindows() ? [$"{name}.exe", $"{name}.cmd"] : [name];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => names.Select(file => Path.Combine(folder, file)))
            .FirstOrDefault(File.Exists);
    }
}
