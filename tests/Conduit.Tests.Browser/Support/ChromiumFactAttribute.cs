namespace Conduit.Tests.Browser.Support;

/// <summary>A browser test: it runs in Debian's Chromium, and says so when it is skipped because Chromium is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath))
            Skip = $"Chromium is not installed at {ChromiumPath}; install Debian's chromium package (apt-get install chromium) to run the "
                + $"browser tests. CI installs it.";
    }
}
