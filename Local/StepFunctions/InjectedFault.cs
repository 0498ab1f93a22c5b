using System.Globalization;
using System.Text.RegularExpressions;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// "The first <see cref="Count"/> invocations of <see cref="FunctionName"/> fail with <see cref="Error"/>", as the host's
/// <c>--inject-fault &lt;FunctionName&gt;:&lt;count&gt;:&lt;ErrorName&gt;</c> gives it.
/// </summary>
public sealed partial record InjectedFault(string FunctionName, int Count, string Error)
{
    public const string Syntax = "<FunctionName>:<count>:<ErrorName>";

    /// <exception cref="ArgumentException">The text is not <see cref="Syntax"/>; the message says why.</exception>
    public static InjectedFault Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':', 3);
        if (parts.Length != 3
            || !FunctionNamePattern().IsMatch(parts[0])
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count is < 1 or > 1_000_000
            || !ErrorPattern().IsMatch(parts[2]))
        {
            throw new ArgumentException(
                $"--inject-fault takes {Syntax}, e.g. conduit-Stream:2:Lambda.TooManyRequestsException "
                + $"(a function name, a count from 1 to 1000000, an error name), not \"{text}\".");
        }

        return new InjectedFault(parts[0], count, parts[2]);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionNamePattern();

    [GeneratedRegex(@"^[\x21-\x7e]{1,256}$")]
    private static partial Regex ErrorPattern();
}
