using System.Text.Json;

namespace Conduit.Core.Security;

/// <summary>How the security code reads untrusted JSON: tokens and JWK Sets.</summary>
internal static class StrictJson
{
    /// <summary>
    /// Duplicate member names are refused (RFC 7515 §4 allows it): when two parsers take different ones of two "alg" or
    /// "exp" values, they disagree about what was signed. The reader checks UTF-8 and escapes only when a string is
    /// read, so string reads throw <see cref="InvalidOperationException"/> on bad input.
    /// </summary>
    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 16, AllowDuplicateProperties = false };

    /// <summary>False when the member is there but is not a string; true with null when it is absent.</summary>
    public static bool TryGetOptionalString(JsonElement element, string name, out string? text)
    {
        text = null;
        if (!element.TryGetProperty(name, out var value)) return true;
        if (value.ValueKind != JsonValueKind.String) return false;
        text = value.GetString();
        return true;
    }
}
