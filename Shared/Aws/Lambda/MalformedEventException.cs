namespace Conduit.Aws.Lambda;

/// <summary>
/// An event that does not have the shape its source documents. A workflow task fails with this name, so the
/// execution history says what went wrong instead of a serializer's exception type.
/// </summary>
public sealed class MalformedEventException(string message, Exception? inner = null) : Exception(message, inner);
