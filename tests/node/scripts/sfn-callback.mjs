// Drives a callback workflow on the host's AWS-compatible endpoint with the official AWS SDK for JavaScript v3 Step
// Functions and SQS clients: a Task state sends its task token to a queue with sqs:sendMessage.waitForTaskToken, a
// worker receives it and answers SendTaskFailure; the failed execution is redriven, the state sends a new token and the
// worker answers SendTaskSuccess. Prints one JSON object of what it saw; exits non-zero, with the SDK's error, when a
// call fails. Usage: node scripts/sfn-callback.mjs <endpoint> <suffix>
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  SendTaskSuccessCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, RedriveExecutionCommand,
} from "@aws-sdk/client-sfn";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, DeleteMessageCommand } from "@aws-sdk/client-sqs";

const [endpoint, suffix] = process.argv.slice(2);
const settings = {
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID ?? "AKIDNODETEST", secretAccessKey: process.env.EDGE_SECRET ?? "secret" },
  maxAttempts: 1,
};
const sfn = new SFNClient(settings);
const sqs = new SQSClient(settings);

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `approvals-${suffix}` }));
const definition = JSON.stringify({
  StartAt: "Prepare",
  States: {
    Prepare: { Type: "Pass", Result: "prepared", ResultPath: "$.step", Next: "Approve" },
    Approve: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      HeartbeatSeconds: 600,
      Parameters: { QueueUrl, MessageBody: { "token.$": "$$.Task.Token", "order.$": "$.order" } },
      ResultPath: "$.approval",
      End: true,
    },
  },
});
const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
  name: `approvals-${suffix}`, definition, roleArn: "arn:aws:iam::000000000000:role/any",
}));
const { executionArn } = await sfn.send(new StartExecutionCommand({
  stateMachineArn, name: "order-7", input: JSON.stringify({ order: 7 }),
}));

async function nextRequest() {
  for (;;) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    const message = received.Messages?.[0];
    if (message === undefined) continue;
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    return JSON.parse(message.Body);
  }
}

async function untilClosed() {
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") return described;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

const first = await nextRequest();
await sfn.send(new SendTaskHeartbeatCommand({ taskToken: first.token }));
await sfn.send(new SendTaskFailureCommand({ taskToken: first.token, error: "Rejected", cause: "needs a second look" }));
const failed = await untilClosed();

const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn }));
const second = await nextRequest();
await sfn.send(new SendTaskSuccessCommand({ taskToken: second.token, output: JSON.stringify({ approved: true }) }));
const succeeded = await untilClosed();

let lateError;
try {
  await sfn.send(new SendTaskSuccessCommand({ taskToken: first.token, output: "{}" }));
} catch (error) {
  lateError = error.name;
}
let notRedrivable;
try {
  await sfn.send(new RedriveExecutionCommand({ executionArn }));
} catch (error) {
  notRedrivable = error.name;
}
const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

console.log(JSON.stringify({
  order: first.order,
  tokensDiffer: first.token !== second.token,
  failedStatus: failed.status,
  failedError: failed.error,
  redriveDateIsDate: redriven.redriveDate instanceof Date,
  succeededStatus: succeeded.status,
  output: JSON.parse(succeeded.output),
  redriveCount: succeeded.redriveCount,
  lateError,
  notRedrivable,
  historyTypes: history.events.map(e => e.type),
}));
