namespace Conduit.Tests.Support;

/// <summary>
/// The test class runs a Node.js program (dynalite, asl-validator), so it is skipped, saying why, where Node.js is
/// missing.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresNodeAttribute : Attribute;
