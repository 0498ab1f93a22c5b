using System.Buffers;
using System.Text.Json;

namespace Conduit.Core.Security;

/// <summary>The payload every token this project issues carries, whatever signs it.</summary>
public static class JwtClaims
{
    /// <summary>
    /// iss, aud, sub, iat and exp (now plus <paramref name="lifetime"/> rounded up to whole seconds), and a <c>roles</c>
    /// claim when <paramref name="roles"/> names any; throws for a subject the validator would refuse.
    /// </summary>
    public static byte[] Payload(
        string issuer, string audience, string subject, DateTimeOffset now, TimeSpan lifetime, IReadOnlyList<string>? roles)
    {
        if (!JwtSubject.IsUsable(subject))
        {
            throw new ArgumentException(
                $"A subject is a non-blank printable string of at most {JwtSubject.MaxLength} characters.", nameof(subject));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var issuedAt = now.ToUnixTimeSeconds();
        var payload = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("iss", issuer);
            json.WriteString("aud", audience);
            json.WriteString("sub", subject);
            json.WriteNumber("iat", issuedAt);
            json.WriteNumber("exp", issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds));
            if (roles is { Count: > 0 })
            {
                json.WriteStartArray("roles");
                foreach (var role in roles) json.WriteStringValue(role);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return payload.WrittenSpan.ToArray();
    }
}
