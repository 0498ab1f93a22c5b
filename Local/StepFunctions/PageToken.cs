using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The opaque nextToken of the List and GetExecutionHistory operations: where the next page starts, bound to the
/// request it continues (operation, resource and filters), so a token handed to another request is refused as AWS
/// refuses it, with InvalidToken.
/// </summary>
internal static class PageToken
{
    public static string Encode(int offset, string request) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{offset.ToString(CultureInfo.InvariantCulture)}\n{request}"));

    /// <summary>The offset a token points at; 0 for no token.</summary>
    /// <exception cref="InvalidTokenException">The token is malformed or belongs to another request.</exception>
    public static int Decode(string? token, string request)
    {
        if (token is null) return 0;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid(token);
        }
        return text.Split('\n', 2) is [var offsetText, var tokenRequest]
            && tokenRequest == request
            && int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw Invalid(token);
    }

    private static InvalidTokenException Invalid(string token) =>
        new($"Invalid Token: '{(token.Length > 64 ? token[..64] + "..." : token)}' is not a nextToken this request returned.");
}
