using System.Buffers.Text;

namespace Conduit.Core.Security;

/// <summary>
/// Base64url as JWS requires it (RFC 7515 §2): the URL-safe alphabet only, no padding, no whitespace, and canonical
/// trailing bits, so every byte string has exactly one encoding and an altered segment never decodes to the same bytes.
/// </summary>
internal static class Base64UrlStrict
{
    public static bool TryDecode(ReadOnlySpan<char> encoded, out byte[] decoded)
    {
        decoded = [];
        if (encoded.Length % 4 == 1) return false;
        foreach (var c in encoded)
        {
            if (SextetOf(c) < 0) return false;
        }

        if (encoded.Length % 4 != 0)
        {
            var unusedBitsMask = encoded.Length % 4 == 2 ? 0b1111 : 0b11;
            if ((SextetOf(encoded[^1]) & unusedBitsMask) != 0) return false;
        }

        decoded = Base64Url.DecodeFromChars(encoded);
        return true;
    }

    private static int SextetOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
