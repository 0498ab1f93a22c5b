namespace Conduit.Local.Knowledge;

/// <summary>
/// Turns text into search terms: lowercased runs of letters and digits, without stop words or
/// one-letter tokens, lightly stemmed. Documents and queries go through the same code so their
/// terms meet.
/// </summary>
public static class SearchTokenizer
{
    private const int MinimumStemLength = 3;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "been", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from",
        "had", "has", "have", "he", "her", "him", "his", "how", "if", "in", "into", "is", "it", "its",
        "me", "my", "no", "not", "of", "on", "or", "our", "she", "should", "so", "such",
        "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
        "to", "too", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "why", "will", "with", "would", "you", "your",
    };

    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var terms = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isTermCharacter = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isTermCharacter && start < 0)
            {
                start = i;
            }
            else if (!isTermCharacter && start >= 0)
            {
                AddTerm(terms, text.AsSpan(start, i - start));
                start = -1;
            }
        }

        return terms;
    }

    private static void AddTerm(List<string> terms, ReadOnlySpan<char> token)
    {
        if (token.Length < 2)
        {
            return;
        }

        var lowered = token.ToString().ToLowerInvariant();
        if (!StopWords.Contains(lowered))
        {
            terms.Add(Stem(lowered));
        }
    }

    /// <summary>
    /// Strips plural and verb endings, then a trailing "e", so that "cache", "caches", "cached" and
    /// "caching" all become "cach". The stems are not words; they only need to agree.
    /// </summary>
    internal static string Stem(string term)
    {
        if (!term.All(char.IsLetter))
        {
            return term;
        }

        var stem = StripPlural(term);
        var withoutVerbEnding = StripVerbEnding(stem);
        if (withoutVerbEnding is not null)
        {
            stem = UndoubleFinalConsonant(withoutVerbEnding);
        }

        return stem.Length > MinimumStemLength && stem[^1] == 'e' ? stem[..^1] : stem;
    }

    private static string StripPlural(string term)
    {
        if (term.EndsWith("ies", StringComparison.Ordinal) && term.Length - 3 >= MinimumStemLength)
        {
            return term[..^3] + "y";
        }

        if (term.EndsWith("sses", StringComparison.Ordinal))
        {
            return term[..^2];
        }

        if (term.EndsWith("es", StringComparison.Ordinal) && term.Length - 2 >= MinimumStemLength)
        {
            var beforeEs = term[..^2];
            if (EndsWithSibilant(beforeEs))
            {
                return beforeEs;
            }
        }

        var keepsFinalS = term.EndsWith("ss", StringComparison.Ordinal)
            || term.EndsWith("us", StringComparison.Ordinal)
            || term.EndsWith("is", StringComparison.Ordinal);
        return term.EndsWith('s') && !keepsFinalS && term.Length - 1 >= MinimumStemLength ? term[..^1] : term;
    }

    private static bool EndsWithSibilant(string stem) =>
        stem.EndsWith('s') || stem.EndsWith('x') || stem.EndsWith('z')
        || stem.EndsWith("ch", StringComparison.Ordinal) || stem.EndsWith("sh", StringComparison.Ordinal);

    private static string? StripVerbEnding(string term)
    {
        // A stem without a vowel means the ending was part of the word: "string", "thing", "shed".
        if (term.EndsWith("ing", StringComparison.Ordinal) && IsPlausibleStem(term.AsSpan(0, term.Length - 3)))
        {
            return term[..^3];
        }

        if (term.EndsWith("ed", StringComparison.Ordinal)
            && !term.EndsWith("eed", StringComparison.Ordinal)
            && IsPlausibleStem(term.AsSpan(0, term.Length - 2)))
        {
            return term[..^2];
        }

        return null;
    }

    private static bool IsPlausibleStem(ReadOnlySpan<char> stem) =>
        stem.Length >= MinimumStemLength && stem.IndexOfAny("aeiouy") >= 0;

    private static string UndoubleFinalConsonant(string stem)
    {
        // "stopped" → "stop", but "falling" keeps "fall" and "passing" keeps "pass".
        var last = stem[^1];
        var doubled = stem.Length > MinimumStemLength && stem[^2] == last && !"aeioulsz".Contains(last, StringComparison.Ordinal);
        return doubled ? stem[..^1] : stem;
    }
}
