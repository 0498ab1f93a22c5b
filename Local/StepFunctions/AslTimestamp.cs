using System.Globalization;

namespace Conduit.Local.StepFunctions;

/// <summary>Timestamps as Step Functions reads and writes them.</summary>
public static class AslTimestamp
{
    // RFC 3339 as ASL restricts it: an uppercase T between date and time, and an uppercase Z or a numeric offset.
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    public static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);

    /// <summary>ISO 8601 in UTC with milliseconds, the form of the context object's and the history's times.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
