namespace Conduit.Tests.Browser.Support;

/// <summary>A browser test with cases: like <see cref="ChromiumFactAttribute"/>, skipped saying why when Chromium is missing.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) Skip = new ChromiumFactAttribute().Skip;
    }
}
