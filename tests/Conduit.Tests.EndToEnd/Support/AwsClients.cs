using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// Clients no one here wrote, pointed at a host's AWS endpoint: the AWS CLI on PATH and the AWS SDK for JavaScript v3
/// from tests/node. A missing tool fails the test with what to install, rather than skipping it.
/// </summary>
public static class AwsClients
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Dummy credentials and a Region, and no profile or config file of whoever runs the tests.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(
        string accessKeyId = "AKIDEDGETEST", string secret = "edge-test-secret") =>
        new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = accessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = secret,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_CONFIG_FILE"] = "/nonexistent/conduit-tests/config",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/conduit-tests/credentials",
            ["AWS_PAGER"] = "",
            ["EDGE_ACCESS_KEY_ID"] = accessKeyId,
            ["EDGE_SECRET"] = secret,
        };

    /// <summary>
    /// Runs <c>aws &lt;arguments&gt; --endpoint-url &lt;host&gt;</c> and returns what it printed, failing on a non-zero exit.
    /// </summary>
    public static async Task<ProcessResult> CliAsync(
        Uri endpoint, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var aws = FindOnPath("aws") ?? throw new InvalidOperationException(
            "The AWS CLI (aws) is not on PATH. Install it (Debian/Ubuntu: apt-get install awscli; CI installs it) to run the edge tests.");
        return await ChildProcess.RunAsync(
            aws, [.. arguments, "--endpoint-url", endpoint.AbsoluteUri.TrimEnd('/')], AppContext.BaseDirectory, CommandTimeout,
            environment: environment);
    }

    /// <summary>Runs a script of tests/node/scripts with node, after installing tests/node's packages.</summary>
    public static async Task<ProcessResult> NodeScriptAsync(
        string script, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var tools = NodeTools.Find() ?? throw new InvalidOperationException(
            "Node.js (node and npm on PATH) is not installed; the edge tests run the official AWS SDK for JavaScript with it.");
        using var install = new CancellationTokenSource(NodePackages.InstallTimeout);
        await NodePackages.EnsureInstalledAsync(tools, install.Token);
        return await ChildProcess.RunAsync(
            tools.Node, [Path.Combine(NodePackages.Folder, "scripts", script), .. arguments], NodePackages.Folder, CommandTimeout,
            environment: environment);
    }

    private static string? FindOnPath(string name) =>
        (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
