using Conduit.Aws;
using Conduit.Local.Hosting;
using Conduit.Local.StepFunctions;
using Conduit.Local.Terminal;

if (args is ["chat", .. var chatArgs])
    return await TerminalCommand.RunAsync(chatArgs, TerminalConsole.FromSystemConsole(), CancellationToken.None).ConfigureAwait(false);

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

try
{
    var app = LocalStack.Create(options);
    await using (app.ConfigureAwait(false))
    {
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
