using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Conduit.Tests.Support;

/// <summary>A fact that <see cref="NodeTestCase"/> runs, so a test class marked <see cref="RequiresNodeAttribute"/> can skip itself.</summary>
[XunitTestCaseDiscoverer("Conduit.Tests.Support.NodeFactDiscoverer", "Conduit.Tests.Support")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute;

/// <summary>The test class runs a Node.js program (dynalite, asl-validator), so it is skipped, saying why, where Node.js is missing.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresNodeAttribute : Attribute;

public sealed class NodeFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new NodeTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>
/// xunit 2 fixes a skip reason at discovery and has no dynamic skip, and the same inherited contract test must run
/// for SQLite everywhere but for DynamoDB only where Node.js is installed: so the reason is decided per test class here.
/// </summary>
public sealed class NodeTestCase : XunitTestCase
{
    [Obsolete("For xunit's de-serializer only.")]
    public NodeTestCase()
    {
    }

    public NodeTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay methodDisplay, TestMethodDisplayOptions methodDisplayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, methodDisplay, methodDisplayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresNodeAttribute)).Any() && NodeTools.MissingReason is { } reason
            ? reason
            : base.GetSkipReason(factAttribute);
}

/// <summary>The node and npm executables on PATH.</summary>
public sealed record NodeTools(string Node, string Npm)
{
    private static readonly Lazy<NodeTools?> Installed = new(() =>
        FindOnPath("node") is { } node && FindOnPath("npm") is { } npm ? new NodeTools(node, npm) : null);

    public static NodeTools? Find() => Installed.Value;

    public static string? MissingReason => Find() is null
        ? "Node.js (node and npm on PATH) is required to run this test (dynalite or asl-validator from tests/node); install it to run them."
        : null;

    private static string? FindOnPath(string name)
    {
        string[] names = OperatingSystem.IsWindows() ? [$"{name}.exe", $"{name}.cmd"] : [name];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => names.Select(file => Path.Combine(folder, file)))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>The Node.js tools of tests/node (dynalite, asl-validator), installed once from the committed lock file.</summary>
public static class NodePackages
{
    public static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    /// <summary>tests/node, found from the test binaries upwards so any checkout location works.</summary>
    public static string Folder { get; } = FindFolder();

    private static string FindFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "node");
            if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
        }
        throw new InvalidOperationException($"No tests/node/package-lock.json above {AppContext.BaseDirectory}.");
    }

    /// <summary>npm writes node_modules/.package-lock.json last, so its presence (newer than the lock file) means a whole, current install.</summary>
    private static bool IsInstalled(string folder)
    {
        var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
        return File.Exists(installed)
            && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json"))
            && Directory.Exists(Path.Combine(folder, "node_modules"));
    }

    public static string ModulePath(params string[] parts) => Path.Combine([Folder, "node_modules", .. parts]);

    /// <summary>Test processes may start together (several test projects, several runs); the lock lets one of them install.</summary>
    public static async Task EnsureInstalledAsync(NodeTools tools, CancellationToken cancellationToken)
    {
        var folder = Folder;
        if (IsInstalled(folder)) return;
        var lockName = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..16];
        await using var installLock = await AcquireLockAsync(Path.Combine(Path.GetTempPath(), $"conduit-node-{lockName}.lock"), cancellationToken);
        if (IsInstalled(folder)) return;

        var output = new ConcurrentQueue<string>();
        using var npm = ChildProcess.Start(tools.Npm, ["ci", "--no-audit", "--no-fund"], folder, output);
        try
        {
            await npm.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm ci in {folder} did not finish within {InstallTimeout}:\n{string.Join('\n', output)}");
        }
        if (npm.ExitCode != 0 || !IsInstalled(folder))
            throw new InvalidOperationException($"npm ci in {folder} failed with exit code {npm.ExitCode}:\n{string.Join('\n', output)}");
    }

    /// <summary>An exclusive open is an OS file lock, released even if the holder dies; there is no event to wait on, so retry.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }
}
