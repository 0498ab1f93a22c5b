namespace Conduit.Core.Security;

/// <summary>An immutable set of verification keys and the one rule every key source uses to pick from it.</summary>
public sealed class JwtKeySet(IReadOnlyList<JwtKey> keys)
{
    public int Count => keys.Count;

    public JwtKey? Find(string? kid, string alg)
    {
        if (kid is null) return keys is [var only] && only.Algorithm == alg ? only : null;
        foreach (var key in keys)
        {
            if (key.Algorithm == alg && string.Equals(key.Kid, kid, StringComparison.Ordinal)) return key;
        }

        return null;
    }
}
