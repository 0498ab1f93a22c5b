using Conduit.Aws;
using Conduit.Local.Hosting;
using Conduit.Local.StepFunctions;
using Conduit.Local.Terminal;

if (args is ["chat", .. var chatArgs])
    return await TerminalCommand.RunAsync(chatArgs, TerminalConsole.FromSystemConsole(), CancellationToken.None).ConfigureAwait(false);

if (LocalHostOptions.AsksForHelp(args))
{
    Console.WriteLine(LocalHostOptions.Usage);
    return 0;
}

LocalHostOptions options;
try
{
    options = LocalHostOptions.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(LocalHostOptions.Usage);
    return 2;
}

using var startupFolder = StartupFolder.Before(options);
try
{
    var app = LocalStack.Create(options, progress: Console.IsOutputRedirected ? null : Console.Out);
    await using (app.ConfigureAwait(false))
    {
        app.Lifetime.ApplicationStarted.Register(startupFolder.Started);
        await app.RunAsync().ConfigureAwait(false);
    }
    return 0;
}
catch (Exception exception) when (exception is ArgumentException or IOException or AslLoadException or UnauthorizedAccessException
    or ConfigurationException or HttpRequestException or Amazon.Runtime.AmazonServiceException)
{
    Console.Error.WriteLine($"Conduit could not start: {exception.Message}");
    return 1;
}
