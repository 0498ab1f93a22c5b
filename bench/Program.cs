using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Bench;
using Conduit.Bench.Micro;
using Conduit.Tests.Support;

if (args is ["micro", .. var microArgs]) return MicroBenchmarks.Run(microArgs);

var requested = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
var unknown = requested.Where(name => !Scenarios.All.ContainsKey(name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Scenarios.All.Keys)}.");
    return 2;
}

var results = new List<Measurement>();
foreach (var name in requested.Count > 0 ? requested : [.. Scenarios.All.Keys])
{
    Console.Error.WriteLine($"running {name}…");
    results.AddRange(await Scenarios.All[name]());
}

Console.WriteLine($"{"scenario",-13} {"metric",-52} {"p50",9} {"p99",9} {"value",10} {"unit",-8} {"n",6}  target");
foreach (var m in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{m.Scenario,-13} {m.Metric,-52} {m.P50,9:0.00} {m.P99,9:0.00} {m.Value,10:0.00} {m.Unit,-8} {m.Samples,6}  {m.Target}"));
}

var report = new JsonObject
{
    ["machine"] = new JsonObject
    {
        ["processors"] = Environment.ProcessorCount,
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
    },
    ["commit"] = await CommitAsync(),
    ["settings"] = new JsonObject
    {
        ["scenarios"] = new JsonArray([.. (requested.Count > 0 ? requested : [.. Scenarios.All.Keys]).Select(name => (JsonNode)name)]),
        ["serverGc"] = System.Runtime.GCSettings.IsServerGC,
        ["configuration"] = typeof(Scenarios).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .OfType<System.Reflection.AssemblyConfigurationAttribute>().FirstOrDefault()?.Configuration,
    },
    ["at"] = DateTimeOffset.UtcNow.ToString("O"),
    ["results"] = new JsonArray([.. results.Select(m => (JsonNode)new JsonObject
    {
        ["scenario"] = m.Scenario, ["metric"] = m.Metric, ["p50"] = m.P50, ["p99"] = m.P99, ["value"] = m.Value,
        ["unit"] = m.Unit, ["samples"] = m.Samples, ["target"] = m.Target,
    })]),
};
var folder = BenchPaths.ResultsFolder;
Directory.CreateDirectory(folder);
var file = Path.Combine(folder, $"{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(file, report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.Error.WriteLine($"results written to {file}");
return 0;

static async Task<string?> CommitAsync()
{
    try
    {
        var git = await ChildProcess.RunAsync("git", ["rev-parse", "--short", "HEAD"], RepositoryFiles.Root, TimeSpan.FromSeconds(30));
        return git.Succeeded ? git.Output.Trim() : null;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }
}
