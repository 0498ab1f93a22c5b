using System.Globalization;
using System.Text;

namespace Conduit.Core.Security;

/// <summary>
/// What a <c>sub</c> must be to name a user: it ends up in logs, metrics and storage keys, so it is short and holds
/// no control, format (bidi, zero-width) or unassigned characters, nor unpaired surrogates.
/// </summary>
internal static class JwtSubject
{
    public const int MaxLength = 256;

    public static bool IsUsable(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxLength) return false;
        var rest = subject.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done) return false;
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator)
                return false;
            rest = rest[consumed..];
        }

        return true;
    }
}
