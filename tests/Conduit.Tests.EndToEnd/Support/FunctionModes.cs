using Conduit.Local.Hosting;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>The end-to-end scenarios run with the functions in the host and as processes of their own.</summary>
public static class FunctionModes
{
    public static TheoryData<FunctionsMode> Both => new() { FunctionsMode.InProcess, FunctionsMode.Processes };
}
