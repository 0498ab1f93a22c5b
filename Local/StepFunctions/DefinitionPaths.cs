namespace Conduit.Local.StepFunctions;

/// <summary>Load-time parsing of the path strings a definition holds, with errors that name where they are.</summary>
internal static class DefinitionPaths
{
    private const string IntrinsicPrefix = "States.";

    public static ReferencePath ParseReferencePath(string text, string location, string field) =>
        ReferencePath.TryParse(text, out var path, out var problem)
            ? path
            : throw new AslLoadException(
                $"{location} field \"{field}\" has \"{text}\", which is not a reference path the local interpreter supports: {problem}");

    /// <summary>
    /// Parses the value of a <c>.$</c> key or of <c>ErrorPath</c>/<c>CausePath</c>, where ASL also allows intrinsic
    /// functions; those are rejected by name rather than reported as malformed paths.
    /// </summary>
    public static ReferencePath ParseDynamicValue(string text, string location, string field)
    {
        if (text.StartsWith(IntrinsicPrefix, StringComparison.Ordinal))
        {
            var openParenthesis = text.IndexOf('(', StringComparison.Ordinal);
            var function = openParenthesis < 0 ? text : text[..openParenthesis].TrimEnd();
            throw new AslLoadException(
                $"{location} uses intrinsic function \"{function}\" in field \"{field}\", which the local interpreter does not support");
        }

        return ParseReferencePath(text, location, field);
    }
}
