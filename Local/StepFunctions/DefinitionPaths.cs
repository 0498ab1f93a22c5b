namespace Conduit.Local.StepFunctions;

/// <summary>Load-time parsing of the path strings a definition holds, with errors that name where they are.</summary>
internal static class DefinitionPaths
{
    public static ReferencePath ParseReferencePath(string text, string location, string field) =>
        ReferencePath.TryParse(text, out var path, out var problem)
            ? path
            : throw new AslLoadException(
                $"{location} field \"{field}\" has \"{text}\", which is not a reference path the local interpreter supports: {problem}");

    /// <summary>
    /// Parses a field that takes a Path rather than a Reference Path. The AWS page "Using JSONPath paths"
    /// (docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html) restricts Reference Paths to
    /// <c>.</c> and <c>[ ]</c> steps without <c>@ , : ?</c> operators, so that they identify a single node; it names
    /// ResultPath as one, and the States Language specification (states-language.net) and asl-validator make Choice
    /// <c>Variable</c> and the <c>...Path</c> comparison operands Reference Paths too. InputPath,
    /// OutputPath, the <c>.$</c> fields of Parameters, ResultSelector and ItemSelector, and intrinsic function
    /// arguments are Paths, where wildcards, slices, unions, filters and <c>..</c> are allowed.
    /// </summary>
    public static ReferencePath ParsePath(string text, string location, string field) =>
        ReferencePath.TryParsePath(text, out var path, out var problem)
            ? path
            : throw new AslLoadException(
                $"{location} field \"{field}\" has \"{text}\", which is not a path the local interpreter supports: {problem}");
}
