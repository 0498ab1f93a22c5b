namespace Conduit.Aws.Lambda.Runtime;

/// <summary>Values of the <c>Lambda-Runtime-Function-Error-Type</c> header, in the Runtime API's <c>Category.Reason</c> form.</summary>
public static class RuntimeErrorTypes
{
    public const string Unhandled = "Unhandled";
    public const string NoSuchHandler = "Runtime.NoSuchHandler";
    public const string ConfigInvalid = "Runtime.ConfigInvalid";
    public const string UnknownReason = "Runtime.UnknownReason";
    public const string ResponseSizeTooLarge = "Function.ResponseSizeTooLarge";
}
