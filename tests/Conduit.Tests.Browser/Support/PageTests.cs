using Microsoft.Playwright;

namespace Conduit.Tests.Browser.Support;

/// <summary>
/// What most page tests share: a local stack and Chromium for the class's tests, and one browser context for them.
/// Without Chromium nothing starts, and the tests' ChromiumFact reports them skipped with the reason.
/// </summary>
public abstract class PageTests : IAsyncLifetime
{
    protected BrowserHarness Harness { get; private set; } = null!;

    protected IBrowserContext Context { get; private set; } = null!;

    /// <summary>The options of <see cref="Context"/>; null for Chromium's defaults.</summary>
    protected virtual BrowserNewContextOptions? ContextOptions => null;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) return;
        Harness = await BrowserHarness.StartAsync(tokenDelay: TimeSpan.FromMilliseconds(1));
        Context = await Harness.Browser.NewContextAsync(ContextOptions);
        await PrepareAsync(Context);
    }

    public async Task DisposeAsync()
    {
        if (Harness is null) return;
        await Context.DisposeAsync();
        await Harness.DisposeAsync();
    }

    /// <summary>Anything the class's context needs before its tests run, such as permissions.</summary>
    protected virtual Task PrepareAsync(IBrowserContext context) => Task.CompletedTask;
}
