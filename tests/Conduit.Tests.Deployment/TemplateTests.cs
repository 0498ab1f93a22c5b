using System.Text.Json;
using System.Text.RegularExpressions;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Lambda;
using Conduit.Core.Protocol;
using Conduit.Ingress;
using Conduit.Tests.Support;
using Conduit.Workers;
using YamlDotNet.RepresentationModel;
using static Conduit.Tests.Deployment.CloudFormationTemplate;

namespace Conduit.Tests.Deployment;

public sealed partial class TemplateTests
{
    private static readonly HashSet<string> PseudoParameters =
        ["AWS::Region", "AWS::AccountId", "AWS::StackName", "AWS::StackId", "AWS::Partition", "AWS::URLSuffix", "AWS::NoValue"];

    private readonly CloudFormationTemplate _template = CloudFormationTemplate.Load();

    [Fact]
    public void References_EveryRefGetAttSubAndIf_Resolves()
    {
        var unresolved = new List<string>();
        foreach (var node in Descendants(_template.Root))
        {
            switch (node.Tag.IsEmpty ? null : node.Tag.Value)
            {
                case "!Ref":
                    Check(((YamlScalarNode)node).Value!, unresolved);
                    break;
                case "!GetAtt":
                    var target = node is YamlScalarNode scalar
                        ? scalar.Value!.Split('.')[0] : ((YamlScalarNode)((YamlSequenceNode)node)[0]).Value!;
                    if (!IsResource(target)) unresolved.Add($"!GetAtt {target}");
                    break;
                case "!Sub":
                    var (text, variables) = node is YamlScalarNode s
                        ? (s.Value!, new HashSet<string>())
                        : (((YamlScalarNode)((YamlSequenceNode)node)[0]).Value!, Keys((YamlMappingNode)((YamlSequenceNode)node)[1]));
                    foreach (Match match in SubVariable().Matches(text))
                    {
                        var name = match.Groups[1].Value;
                        if (!variables.Contains(name)) Check(name.Split('.')[0], unresolved);
                    }
                    break;
                case "!If":
                    var condition = ((YamlScalarNode)((YamlSequenceNode)node)[0]).Value!;
                    if (Node(_template.Root, "Conditions", condition) is null) unresolved.Add($"!If {condition}");
                    break;
            }
        }
        foreach (var (name, resource) in _template.Resources.Children.Select(
            p => (((YamlScalarNode)p.Key).Value, (YamlMappingNode)p.Value)))
        {
            var dependsOn = Node(resource, "DependsOn");
            var targets = dependsOn switch
            {
                YamlScalarNode one => [one.Value!],
                YamlSequenceNode many => many.Children.Select(c => ((YamlScalarNode)c).Value!).ToList(),
                _ => new List<string>(),
            };
            unresolved.AddRange(targets.Where(t => !IsResource(t)).Select(t => $"{name} DependsOn {t}"));
        }

        Assert.Empty(unresolved);
    }

    [Fact]
    public void StateMachine_PlaceholdersAndDefinitionSubstitutions_MatchExactly()
    {
        var (_, machine) = Assert.Single(_template.ResourcesOfType("AWS::Serverless::StateMachine"));
        var definition = File.ReadAllText(RepositoryFiles.File(Scalar(machine, "Properties", "DefinitionUri")!.Split('/')));
        var placeholders = SubVariable().Matches(definition).Select(m => m.Groups[1].Value).ToHashSet();
        var substitutions = Keys((YamlMappingNode)Node(machine, "Properties", "DefinitionSubstitutions")!);

        Assert.Equal(placeholders.Order(), substitutions.Order());
        Assert.Equal("true", Scalar(machine, "Properties", "Tracing", "Enabled"));
        Assert.NotNull(Node(machine, "Properties", "Logging", "Destinations"));
    }

    [Fact]
    public void WorkflowType_ExpressByDefault_WithItsExecutionDataInCloudWatchLogs_StandardLogsErrorsOnly()
    {
        var parameter = Node(_template.Parameters, "WorkflowType")!;
        Assert.Equal("EXPRESS", Scalar(parameter, "Default"));
        Assert.Equal(
            ["EXPRESS", "STANDARD"],
            ((YamlSequenceNode)Node(parameter, "AllowedValues")!).Children.Select(c => ((YamlScalarNode)c).Value!));
        var condition = (YamlSequenceNode)Node(_template.Root, "Conditions", "IsExpressWorkflow")!;
        Assert.Equal(("!Equals", "!Ref"), (condition.Tag.Value, condition[0].Tag.Value));
        Assert.Equal(["WorkflowType", "EXPRESS"], condition.Children.Select(c => ((YamlScalarNode)c).Value!));

        var (_, machine) = Assert.Single(_template.ResourcesOfType("AWS::Serverless::StateMachine"));
        var type = Node(machine, "Properties", "Type");
        Assert.True(
            type is YamlScalarNode { Tag.Value: "!Ref", Value: "WorkflowType" }, "the state machine's Type is not !Ref WorkflowType");
        Assert.Equal(["IsExpressWorkflow", "ALL", "ERROR"], IfBranches(Node(machine, "Properties", "Logging", "Level")));
        Assert.Equal(["IsExpressWorkflow", "true", "false"], IfBranches(Node(machine, "Properties", "Logging", "IncludeExecutionData")));
        var destination = Node(machine, "Properties", "Logging", "Destinations") as YamlSequenceNode;
        var logGroup = Node(Assert.Single(destination!.Children), "CloudWatchLogsLogGroup", "LogGroupArn");
        Assert.True(logGroup is YamlScalarNode { Tag.Value: "!GetAtt" }, "the workflow logs to no log group of the stack");
        Assert.Equal("AWS::Logs::LogGroup", Scalar(_template.Resource(((YamlScalarNode)logGroup!).Value!.Split('.')[0]), "Type"));
    }

    [Fact]
    public void Functions_EachLogsToItsOwnLogGroupWithRetention()
    {
        var functions = _template.ResourcesOfType("AWS::Serverless::Function").ToList();
        Assert.NotEmpty(functions);
        foreach (var (name, function) in functions)
        {
            var logGroup = Node(function, "Properties", "LoggingConfig", "LogGroup");
            Assert.True(logGroup is YamlScalarNode { Tag.Value: "!Ref" }, $"{name} has no LoggingConfig.LogGroup !Ref");
            var group = _template.Resource(((YamlScalarNode)logGroup!).Value!);
            Assert.Equal("AWS::Logs::LogGroup", Scalar(group, "Type"));
            Assert.NotNull(Node(group, "Properties", "RetentionInDays"));
        }
        var groups = functions.Select(f => Scalar(f.Resource, "Properties", "LoggingConfig", "LogGroup")).ToList();
        Assert.Equal(groups.Count, groups.Distinct().Count());
    }

    [Fact]
    public void Iam_NoStatementAllowsAWildcardAction()
    {
        var actions = Descendants(_template.Root)
            .OfType<YamlMappingNode>()
            .Where(m => m.Children.ContainsKey(new YamlScalarNode("Effect")) && Scalar(m, "Effect") == "Allow")
            .SelectMany(statement => Node(statement, "Action") switch
            {
                YamlScalarNode one => [one.Value!],
                YamlSequenceNode many => many.Children.Select(c => ((YamlScalarNode)c).Value!),
                _ => [],
            })
            .ToList();

        Assert.NotEmpty(actions);
        Assert.DoesNotContain(actions, a => a.Contains('*'));
    }

    [Fact]
    public void TurnQueue_HasDeadLetterQueueAndVisibilityAtLeastSixDispatcherTimeouts()
    {
        var queue = _template.Resource("TurnQueue");
        var deadLetter = Node(queue, "Properties", "RedrivePolicy", "deadLetterTargetArn");
        Assert.True(deadLetter is YamlScalarNode { Tag.Value: "!GetAtt" }, "TurnQueue has no dead-letter target");
        Assert.Equal("AWS::SQS::Queue", Scalar(_template.Resource(((YamlScalarNode)deadLetter!).Value!.Split('.')[0]), "Type"));
        Assert.True(int.Parse(Scalar(queue, "Properties", "RedrivePolicy", "maxReceiveCount")!) >= 5);

        var dispatcherTimeout = int.Parse(Scalar(_template.Resource("DispatcherFunction"), "Properties", "Timeout")!);
        Assert.True(int.Parse(Scalar(queue, "Properties", "VisibilityTimeout")!) >= 6 * dispatcherTimeout);
        var sqsEvent = (YamlMappingNode)Node(_template.Resource("DispatcherFunction"), "Properties", "Events", "Turns", "Properties")!;
        Assert.Contains(
            "ReportBatchItemFailures",
            ((YamlSequenceNode)sqsEvent["FunctionResponseTypes"]).Children.Select(c => ((YamlScalarNode)c).Value));
    }

    [Fact]
    public void WebSocketApi_RoutesEveryProtocolActionWithTwoWayResponses()
    {
        var routes = _template.ResourcesOfType("AWS::ApiGatewayV2::Route").ToDictionary(
            r => Scalar(r.Resource, "Properties", "RouteKey")!, r => r.Name);
        Assert.Equal(
            RouteKeys.MessageRoutes.Concat(["$connect", "$default", "$disconnect"]).Order(StringComparer.Ordinal),
            routes.Keys.Order(StringComparer.Ordinal));
        var twoWay = _template.ResourcesOfType("AWS::ApiGatewayV2::RouteResponse")
            .Select(r => Scalar(r.Resource, "Properties", "RouteId")).ToHashSet();
        Assert.Equal(
            [.. RouteKeys.MessageRoutes.Append("$default").Select(k => routes[k]).Order(StringComparer.Ordinal)],
            twoWay.Order(StringComparer.Ordinal));
        Assert.Equal("$request.body.action", Scalar(_template.Resource("WebSocketApi"), "Properties", "RouteSelectionExpression"));
    }

    [Fact]
    public void WebSocketStage_DeploysEveryChangeAndFirstWaitsForEveryRouteAndRouteResponse()
    {
        var stage = Assert.Single(_template.ResourcesOfType("AWS::ApiGatewayV2::Stage")).Resource;
        var routesAndResponses = _template.ResourcesOfType("AWS::ApiGatewayV2::Route")
            .Concat(_template.ResourcesOfType("AWS::ApiGatewayV2::RouteResponse"))
            .Select(r => r.Name);

        Assert.Empty(_template.ResourcesOfType("AWS::ApiGatewayV2::Deployment"));
        Assert.Equal("true", Scalar(stage, "Properties", "AutoDeploy"));
        Assert.Null(Node(stage, "Properties", "DeploymentId"));
        Assert.Equal(
            routesAndResponses.Order(),
            ((YamlSequenceNode)Node(stage, "DependsOn")!).Children.Select(c => ((YamlScalarNode)c).Value!).Order());
    }

    [Fact]
    public void Alarms_NotifyTheOptionalActionAndCoverDeadLettersFailuresAndTimeouts()
    {
        var alarms = _template.ResourcesOfType("AWS::CloudWatch::Alarm").ToList();

        Assert.Equal(["ApproximateNumberOfMessagesVisible", "ExecutionsFailed", "ExecutionsTimedOut"],
            alarms.Select(a => Scalar(a.Resource, "Properties", "MetricName")!).Order());
        foreach (var (name, alarm) in alarms)
        {
            foreach (var actions in new[] { "AlarmActions", "OKActions" })
            {
                var branches = (YamlSequenceNode?)Node(alarm, "Properties", actions);
                Assert.True(
                    branches is { Tag.Value: "!If" } && ((YamlScalarNode)branches[0]).Value == "HasAlarmAction", $"{name}.{actions}");
                Assert.Equal("AlarmActionArn", ((YamlScalarNode)((YamlSequenceNode)branches![1])[0]).Value);
            }
        }
        Assert.Equal("", Scalar(Node(_template.Parameters, "AlarmActionArn")!, "Default"));
    }

    [Fact]
    public void HistoryTables_AreRetainedOnDeleteAndReplace()
    {
        foreach (var table in new[] { "SessionsTable", "TurnsTable", "MessagesTable", "MessageKeysTable", "FramesTable" })
        {
            Assert.Equal("Retain", Scalar(_template.Resource(table), "DeletionPolicy"));
            Assert.Equal("Retain", Scalar(_template.Resource(table), "UpdateReplacePolicy"));
        }
    }

    [Fact]
    public void Queues_RefuseRequestsWithoutTls()
    {
        var policy = Assert.Single(_template.ResourcesOfType("AWS::SQS::QueuePolicy")).Resource;
        var statement = Assert.Single(((YamlSequenceNode)Node(policy, "Properties", "PolicyDocument", "Statement")!).Children);

        Assert.Equal("Deny", Scalar(statement, "Effect"));
        Assert.Equal("false", Scalar(statement, "Condition", "Bool", "aws:SecureTransport"));
        Assert.Equal(["TurnDeadLetterQueue", "TurnQueue"],
            ((YamlSequenceNode)Node(policy, "Properties", "Queues")!).Children.Select(c => ((YamlScalarNode)c).Value!).Order());
    }

    [Fact]
    public void Functions_TellTheHandlerTheirTimeout()
    {
        foreach (var (name, function) in _template.ResourcesOfType("AWS::Serverless::Function"))
        {
            Assert.Equal(
                Scalar(function, "Properties", "Timeout"),
                Scalar(function, "Properties", "Environment", "Variables", Conduit.Aws.AwsEnvironment.FunctionTimeoutSeconds));
        }
    }

    [Fact]
    public void Functions_AreExactlyTheFunctionList()
    {
        var deployed = _template.ResourcesOfType("AWS::Serverless::Function")
            .Select(f => (f.Name, Handler: Scalar(f.Resource, "Properties", "Handler")!))
            .Order();

        Assert.Equal(ConduitFunctions.All.Select(f => (f.ResourceName, f.Handler)).Order(), deployed);
    }

    [Fact]
    public void StateMachine_SubstitutesAnArnForEveryWorkflowTaskOfTheList()
    {
        var substitutions = (YamlMappingNode)Node(_template.Resource("ChatTurnStateMachine"), "Properties", "DefinitionSubstitutions")!;
        var workflowTasks = ConduitFunctions.All.Where(f => f.Role == FunctionRole.WorkflowTask).Select(f => f.ArnPlaceholder);

        Assert.Superset(workflowTasks.ToHashSet(), substitutions.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet());
    }

    [Fact]
    public void FunctionProjects_RegisterEveryFunctionOfTheListUnderItsName()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddIngressFunction()
            .AddWorkerFunctions();
        var registered = services
            .Where(d => d.IsKeyedService && d.ServiceType == typeof(ILambdaFunction))
            .Select(d => ((string)d.ServiceKey!, d.KeyedImplementationType!.FullName!))
            .Order();

        Assert.Equal(ConduitFunctions.All.Select(f => (f.Name, $"{f.Assembly}.{f.ClassName}")).Order(), registered);
    }

    [Fact]
    public void Functions_HandlerStringsResolveToPublicStreamHandlers()
    {
        foreach (var (name, function) in _template.ResourcesOfType("AWS::Serverless::Function"))
        {
            var handler = Scalar(function, "Properties", "Handler")!;
            var parts = handler.Split("::");
            Assert.True(parts.Length == 3, $"{name}: \"{handler}\" is not Assembly::Type::Method");
            var type = System.Reflection.Assembly.Load(parts[0]).GetType(parts[1]);
            Assert.True(type is not null, $"{name}: type {parts[1]} is not in {parts[0]}");
            var method = type!.GetMethod(parts[2], [typeof(Stream)]);
            Assert.True(
                method is { IsPublic: true } && method.ReturnType == typeof(Task<Stream>),
                $"{name}: {handler} is not a public Task<Stream> {parts[2]}(Stream)");
            Assert.True(
                type.GetConstructor(Type.EmptyTypes) is { IsPublic: true },
                $"{name}: {parts[1]} has no public parameterless constructor for the Lambda runtime");
        }
    }

    [Fact]
    public void FunctionRuntime_NativeAotChoosesProvidedAl2023OnX86_64AndDefaultsToDotnet10OnArm64()
    {
        var parameter = Node(_template.Parameters, "FunctionRuntime")!;
        Assert.Equal("dotnet10", Scalar(parameter, "Default"));
        Assert.Equal(
            ["dotnet10", "native-aot"],
            ((YamlSequenceNode)Node(parameter, "AllowedValues")!).Children.Select(c => ((YamlScalarNode)c).Value!));
        var condition = (YamlSequenceNode)Node(_template.Root, "Conditions", "IsNativeAot")!;
        Assert.Equal(("!Equals", "!Ref"), (condition.Tag.Value, condition[0].Tag.Value));
        Assert.Equal(["FunctionRuntime", "native-aot"], condition.Children.Select(c => ((YamlScalarNode)c).Value!));

        Assert.Equal(["IsNativeAot", "provided.al2023", "dotnet10"], IfBranches(Node(_template.Root, "Globals", "Function", "Runtime")));
        var architecture = Assert.Single(((YamlSequenceNode)Node(_template.Root, "Globals", "Function", "Architectures")!).Children);
        Assert.Equal(["IsNativeAot", "x86_64", "arm64"], IfBranches(architecture));
        foreach (var (name, function) in _template.ResourcesOfType("AWS::Serverless::Function"))
        {
            Assert.True(Node(function, "Properties", "Runtime") is null && Node(function, "Properties", "Architectures") is null,
                $"{name} sets its own runtime or architecture, so FunctionRuntime would not choose it");
        }
    }

    [Fact]
    public void Functions_NativeAotBuildsAMakefileTargetWhoseBootstrapServesTheHandler()
    {
        foreach (var (name, function) in _template.ResourcesOfType("AWS::Serverless::Function"))
        {
            Assert.Equal(["IsNativeAot", "makefile", "dotnet7"], IfBranches(Node(function, "Metadata", "BuildMethod")));
            var codeUri = Scalar(function, "Properties", "CodeUri")!;
            var makefile = File.ReadAllText(RepositoryFiles.File(codeUri.TrimEnd('/'), "Makefile"));
            Assert.Matches($@"(?m)^[^#\t\n]*\bbuild-{name}\b[^\n]*:", makefile);
            Assert.Contains("-r linux-x64 -p:PublishAot=true -p:BootstrapBuildFolder=aot-$@", makefile, StringComparison.Ordinal);
            var listed = ConduitFunctions.ByHandler(Scalar(function, "Properties", "Handler")!);
            Assert.True(
                listed?.Assembly == $"Conduit.{codeUri.TrimEnd('/')}",
                $"{name}: the {codeUri} bootstrap serves the listed functions of its assembly, not this one");
        }
    }

    /// <summary>The condition and both values of a <c>!If</c> whose values are plain scalars; empty for anything else.</summary>
    private static IEnumerable<string> IfBranches(YamlNode? node) =>
        node is YamlSequenceNode { Tag.Value: "!If" } branches && branches.Children.All(c => c is YamlScalarNode { Tag.IsEmpty: true })
            ? branches.Children.Select(c => ((YamlScalarNode)c).Value!)
            : [];

    [Fact]
    public void DynamoDbTables_MatchTheSchemaTheAdaptersUse()
    {
        var declared = _template.ResourcesOfType("AWS::DynamoDB::Table").Select(t => Describe(t.Resource)).Order().ToList();
        var expected = ConduitTables.All.Select(t =>
            $"{string.Join(",", t.AttributeDefinitions.Select(k => $"{k.Name}:{k.Type}").Order())} "
            + $"keys={t.PartitionKey.Name}/{t.SortKey?.Name} "
            + $"indexes=[{string.Join(";", t.GlobalIndexes.Select(DescribeIndex).Order())}] "
            + $"ttl={t.TimeToLiveAttribute} billing={ConduitTables.BillingMode}").Order().ToList();

        Assert.Equal(expected, declared);
        foreach (var (name, table) in _template.ResourcesOfType("AWS::DynamoDB::Table"))
        {
            Assert.True(
                Scalar(table, "Properties", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") == "true",
                $"{name} has no point-in-time recovery");
        }
    }

    private static string Describe(YamlMappingNode table)
    {
        var attributes = ((YamlSequenceNode)Node(table, "Properties", "AttributeDefinitions")!).Children
            .Select(a => $"{Scalar(a, "AttributeName")}:{Scalar(a, "AttributeType")}").Order();
        var keys = KeySchema(Node(table, "Properties", "KeySchema")!);
        var indexes = (Node(table, "Properties", "GlobalSecondaryIndexes") as YamlSequenceNode)?.Children.Select(index =>
        {
            var indexKeys = KeySchema(Node(index, "KeySchema")!);
            var nonKey = (Node(index, "Projection", "NonKeyAttributes") as YamlSequenceNode)?.Children.Select(
                a => ((YamlScalarNode)a).Value!)
                ?? [];
            return $"{Scalar(index, "IndexName")}:{indexKeys["HASH"]}/{indexKeys.GetValueOrDefault("RANGE")}:"
                + $"{Scalar(index, "Projection", "ProjectionType")}({string.Join(",", nonKey)})";
        }).Order() ?? Enumerable.Empty<string>();
        var ttl = Scalar(table, "Properties", "TimeToLiveSpecification", "Enabled") == "true"
            ? Scalar(table, "Properties", "TimeToLiveSpecification", "AttributeName") : null;
        return $"{string.Join(",", attributes)} keys={keys["HASH"]}/{keys.GetValueOrDefault("RANGE")} "
            + $"indexes=[{string.Join(";", indexes)}] "
            + $"ttl={ttl} billing={Scalar(table, "Properties", "BillingMode")}";
    }

    private static string DescribeIndex(SecondaryIndex index) =>
        $"{index.Name}:{index.PartitionKey.Name}/{index.SortKey?.Name}:{index.ProjectionType}({string.Join(",", index.NonKeyAttributes)})";

    private static HashSet<string> Keys(YamlMappingNode mapping) =>
        mapping.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();

    private static Dictionary<string, string?> KeySchema(YamlNode schema) =>
        ((YamlSequenceNode)schema).Children.ToDictionary(k => Scalar(k, "KeyType")!, k => Scalar(k, "AttributeName"));

    [Fact]
    public void Dashboard_BodyIsJsonAndChartsEveryMetricTheFunctionsEmit()
    {
        var (_, dashboard) = Assert.Single(_template.ResourcesOfType("AWS::CloudWatch::Dashboard"));
        var body = SubVariable().Replace(Scalar(dashboard, "Properties", "DashboardBody")!, "x");

        using var document = JsonDocument.Parse(body);
        var charted = document.RootElement.GetRawText();
        var emitted = typeof(Conduit.Core.Observability.MetricNames).GetFields().Select(f => (string)f.GetValue(null)!);
        Assert.All(emitted, metric => Assert.Contains($"\"{metric}\"", charted.Replace("\\\"", "\"")));
    }

    private void Check(string name, List<string> unresolved)
    {
        if (!PseudoParameters.Contains(name) && !IsResource(name) && Node(_template.Parameters, name) is null) unresolved.Add(name);
    }

    private bool IsResource(string name) => Node(_template.Resources, name) is not null;

    [GeneratedRegex(@"\$\{(?!!)([A-Za-z0-9:._]+)\}")]
    private static partial Regex SubVariable();
}
