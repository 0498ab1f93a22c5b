using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>StartExecution's checks on the name and input of a Standard workflow execution.</summary>
internal static class ExecutionRequestRules
{
    public const int MaxNameLength = 80;

    private const string ForbiddenNameCharacters = "<>{}[]?*\"#%\\^|~`$&,;:/";

    /// <exception cref="InvalidNameException">The name is empty, longer than 80 characters, or contains a forbidden character.</exception>
    public static void ValidateName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new InvalidNameException($"Invalid Name: '{name}' must be 1 to {MaxNameLength} characters long.");
        }

        foreach (var character in name)
        {
            if (IsForbidden(character))
            {
                throw new InvalidNameException(
                    $"Invalid Name: '{name}' contains U+{(int)character:X4}; "
                    + $"names cannot contain whitespace, control characters or any of {ForbiddenNameCharacters}");
            }
        }
    }

    /// <summary>Parses the execution input, which must be JSON of at most 256 KiB in UTF-8.</summary>
    /// <exception cref="InvalidExecutionInputException">The input is not JSON or is too large.</exception>
    public static JsonNode? ParseInput(string input)
    {
        if (!AslJson.FitsPayloadQuota(input))
        {
            throw new InvalidExecutionInputException(
                $"Invalid Execution Input: the input is {Encoding.UTF8.GetByteCount(input)} bytes, "
                + $"more than the {AslJson.MaxPayloadBytes}-byte limit.");
        }

        try
        {
            return JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException exception)
        {
            throw new InvalidExecutionInputException($"Invalid Execution Input: the input is not valid JSON: {exception.Message}");
        }
    }

    private static bool IsForbidden(char c) =>
        char.IsWhiteSpace(c) || c <= '\u001F' || c is >= '\u007F' and <= '\u009F'
        || ForbiddenNameCharacters.Contains(c, StringComparison.Ordinal);
}
