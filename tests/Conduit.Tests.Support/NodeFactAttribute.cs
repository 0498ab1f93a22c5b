using Xunit.Sdk;

namespace Conduit.Tests.Support;

/// <summary>
/// A fact that <see cref="NodeTestCase"/> runs, so a test class marked <see cref="RequiresNodeAttribute"/> can skip itself.
/// </summary>
[XunitTestCaseDiscoverer("Conduit.Tests.Support.NodeFactDiscoverer", "Conduit.Tests.Support")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute;
