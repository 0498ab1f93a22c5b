// Drives the host's AWS-compatible endpoint with the official AWS SDK for JavaScript v3 Step Functions client, as a
// user would: create a Pass/Choice/Succeed machine, run it, read it back. Prints one JSON object of what it saw;
// exits non-zero, with the SDK's error, when a call fails. Usage: node scripts/sfn-workflow.mjs <endpoint> <suffix>
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, ListExecutionsCommand,
  GetExecutionHistoryCommand, ListStateMachinesCommand, DescribeStateMachineCommand,
} from "@aws-sdk/client-sfn";

const [endpoint, suffix] = process.argv.slice(2);
const client = new SFNClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID ?? "AKIDNODETEST", secretAccessKey: process.env.EDGE_SECRET ?? "secret" },
  maxAttempts: 1,
});

const definition = JSON.stringify({
  StartAt: "Route",
  States: {
    Route: {
      Type: "Choice",
      Choices: [{ Variable: "$.size", NumericGreaterThan: 10, Next: "Large" }],
      Default: "Small",
    },
    Large: { Type: "Pass", Result: "large", ResultPath: "$.verdict", Next: "Done" },
    Small: { Type: "Pass", Result: "small", ResultPath: "$.verdict", Next: "Done" },
    Done: { Type: "Succeed" },
  },
});

const created = await client.send(new CreateStateMachineCommand({
  name: `sizes-${suffix}`, definition, roleArn: "arn:aws:iam::000000000000:role/any",
}));
const stateMachineArn = created.stateMachineArn;

const names = ["first", "second", "third"];
const sizes = [3, 42, 7];
for (let i = 0; i < names.length; i++) {
  await client.send(new StartExecutionCommand({ stateMachineArn, name: names[i], input: JSON.stringify({ size: sizes[i] }) }));
}

async function untilClosed(executionArn) {
  for (;;) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") return described;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
const executionArn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:second`;
const second = await untilClosed(executionArn);
for (const name of names) await untilClosed(`${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`);

const pages = [];
let nextToken;
do {
  const page = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "SUCCEEDED", maxResults: 2, nextToken }));
  pages.push(page.executions.map(e => e.name));
  nextToken = page.nextToken;
} while (nextToken);
const running = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "RUNNING" }));

const history = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 3 }));
const machines = await client.send(new ListStateMachinesCommand({}));
const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn }));

console.log(JSON.stringify({
  stateMachineArn,
  creationDateIsDate: created.creationDate instanceof Date,
  secondStatus: second.status,
  secondOutput: JSON.parse(second.output),
  secondStartIsDate: second.startDate instanceof Date && second.stopDate instanceof Date && second.stopDate >= second.startDate,
  pages,
  runningCount: running.executions.length,
  historyTypes: history.events.map(e => e.type),
  historyHasNextToken: typeof history.nextToken === "string",
  machineNames: machines.stateMachines.map(m => m.name),
  describedType: described.type,
  describedStatus: described.status,
}));
