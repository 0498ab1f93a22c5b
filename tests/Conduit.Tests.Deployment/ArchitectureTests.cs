using System.Reflection;
using System.Xml.Linq;
using Conduit.Tests.Support;

namespace Conduit.Tests.Deployment;

/// <summary>
/// The direction of dependencies, asserted twice: in the project files (what may be referenced) and in the built
/// assemblies (what is referenced), so neither a new ProjectReference nor a transitive package slips past.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Core = "Conduit.Core";
    private const string Aws = "Conduit.Aws";
    private const string OpenAi = "Conduit.OpenAi";

    private static readonly string[] Hosts = ["Conduit.Ingress", "Conduit.Workers", "Conduit.Local"];

    private static readonly string[] Emulators =
        [
            "Conduit.Local.Edge", "Conduit.Local.Gateway", "Conduit.Local.Lambda", "Conduit.Local.Queue", "Conduit.Local.Sqlite",
            "Conduit.Local.StepFunctions",
        ];

    public static TheoryData<string> ProductionProjects { get; } =
        new(ProjectFiles().Keys.Where(name => !name.Contains(".Tests.") && name != "Conduit.Bench"));

    [Fact]
    public void Core_ReferencesNoOtherConduitAssemblyNorAnyAdapterPackage()
    {
        Assert.Empty(ConduitReferencesOf(Core));
        Assert.DoesNotContain(
            AssemblyReferencesOf(Core),
            name => name.StartsWith("AWSSDK.", StringComparison.Ordinal) || name.StartsWith("Polly", StringComparison.Ordinal));
        Assert.DoesNotContain(
            PackagesOf(Core),
            name => name.StartsWith("AWSSDK.", StringComparison.Ordinal) || name.StartsWith("Polly", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Aws)]
    [InlineData(OpenAi)]
    public void Adapters_ReferenceCoreAndNeverAHost(string adapter)
    {
        Assert.Equal([Core], ConduitReferencesOf(adapter));
    }

    [Theory]
    [InlineData("Conduit.Ingress")]
    [InlineData("Conduit.Workers")]
    public void FunctionProjects_ReferenceCoreAndAwsOnly(string functions)
    {
        Assert.Equal([Aws, Core], ConduitReferencesOf(functions));
    }

    [Fact]
    public void Emulators_NeverReferenceTheHostNorTheFunctions()
    {
        foreach (var emulator in Emulators)
            Assert.DoesNotContain(ConduitReferencesOf(emulator), Hosts.Contains);
        Assert.Equal([Core], ConduitReferencesOf("Conduit.Local.Terminal"));
    }

    /// <summary>
    /// The edge is the foundation every emulated AWS API registers into, so it knows none of them, nor anything of
    /// Conduit: a service depends on the edge, never the other way round.
    /// </summary>
    [Fact]
    public void Edge_ReferencesNoOtherConduitProject_AndTheServicesReferenceIt()
    {
        Assert.Empty(ProjectReferencesOf("Conduit.Local.Edge"));
        Assert.Empty(ConduitReferencesOf("Conduit.Local.Edge"));
        Assert.Contains("Conduit.Local.Edge", ConduitReferencesOf("Conduit.Local.StepFunctions"));
        Assert.Contains("Conduit.Local.Edge", ConduitReferencesOf("Conduit.Local.Gateway"));
    }

    [Fact]
    public void CoreTestsAndSupport_ReachNeitherAwsNorLocal()
    {
        Assert.Equal([Core, "Conduit.Tests.Support"], ProjectReferencesOf("Conduit.Tests.Core"));
        Assert.Equal([Core], ProjectReferencesOf("Conduit.Tests.Support"));
    }

    /// <summary>
    /// `dotnet test Conduit.slnx` starts a test host for every project that says it is a test project, and the xunit
    /// package says so for any project referencing it; a library without the test SDK then aborts the run.
    /// </summary>
    [Fact]
    public void TestLibrariesWithoutTheTestSdk_SayTheyAreNotTestProjects()
    {
        var libraries = ProjectFiles().Keys
            .Where(name => !PackagesOf(name).Contains("Microsoft.NET.Test.Sdk") && PackagesOf(name).Contains("xunit"))
            .ToList();

        Assert.Contains("Conduit.Tests.Support", libraries);
        foreach (var library in libraries)
            Assert.Equal("false", Project(library).Descendants("IsTestProject").SingleOrDefault()?.Value);
    }

    [Theory]
    [MemberData(nameof(ProductionProjects))]
    public void ProductionProject_UsesOnlyAssembliesItDeclares(string project)
    {
        Assert.Subset(ProjectReferencesOf(project).ToHashSet(), ConduitReferencesOf(project).ToHashSet());
    }

    /// <summary>
    /// The Conduit assemblies the built assembly references, from its metadata. A reference used only for constants
    /// (inlined at compile time) is not in the metadata, so this is at most what the project declares.
    /// </summary>
    private static IReadOnlyList<string> ConduitReferencesOf(string assembly) =>
        [.. AssemblyReferencesOf(assembly)
            .Where(name => name.StartsWith("Conduit.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string> AssemblyReferencesOf(string assembly) =>
        Assembly.Load(assembly).GetReferencedAssemblies().Select(reference => reference.Name!);

    private static IReadOnlyList<string> ProjectReferencesOf(string project) =>
        [.. Project(project).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<string> PackagesOf(string project) =>
        Project(project).Descendants("PackageReference").Select(reference => reference.Attribute("Include")!.Value);

    private static XDocument Project(string name) => XDocument.Load(ProjectFiles()[name]);

    private static Dictionary<string, string> ProjectFiles() =>
        XDocument.Load(RepositoryFiles.File("Conduit.slnx")).Descendants("Project")
            .Select(project => RepositoryFiles.File(project.Attribute("Path")!.Value.Split('/')))
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path), StringComparer.Ordinal);
}
