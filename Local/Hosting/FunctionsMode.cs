namespace Conduit.Local.Hosting;

/// <summary>How the host runs the functions of <c>ConduitFunctions</c>.</summary>
public enum FunctionsMode
{
    /// <summary>Their <c>Handle(Stream)</c> methods in the host's own process, over the local adapters: quick to start.</summary>
    InProcess,

    /// <summary>
    /// Each function as its own process behind a Lambda Runtime API, composed from the environment template.yaml gives
    /// it and reaching everything over HTTP, as deployed.
    /// </summary>
    Processes,
}
