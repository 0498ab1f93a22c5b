namespace Conduit.Local.StepFunctions;

/// <summary>Reads the variable name a <c>$name</c> path starts with.</summary>
internal static class VariablePathRoot
{
    /// <summary>The name after the leading <c>$</c>, or null when the path starts at <c>$</c> or <c>$$</c> instead.</summary>
    public static string? Read(string pathText)
    {
        if (pathText.Length < 2 || !(char.IsLetter(pathText[1]) || pathText[1] == '_')) return null;
        var end = 2;
        while (end < pathText.Length && (char.IsLetterOrDigit(pathText[end]) || pathText[end] == '_')) end++;
        return pathText[1..end];
    }
}
