// Drives the host's AWS-compatible endpoint with the official AWS SDK for JavaScript v3 SQS client, which checks every
// MD5 digest it is sent: create a queue, send a batch with attributes, long-poll, change visibility, delete, purge.
// Prints one JSON object of what it saw; exits non-zero, with the SDK's error, when a call fails.
// Usage: node scripts/sqs-workflow.mjs <endpoint> <suffix>
import {
  SQSClient, CreateQueueCommand, SendMessageBatchCommand, ReceiveMessageCommand, ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand, PurgeQueueCommand, GetQueueAttributesCommand, ListQueuesCommand, SendMessageCommand,
  GetQueueUrlCommand,
} from "@aws-sdk/client-sqs";

const [endpoint, suffix] = process.argv.slice(2);
const client = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID ?? "AKIDNODETEST", secretAccessKey: process.env.EDGE_SECRET ?? "secret" },
  maxAttempts: 1,
});

const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: `work-${suffix}`, Attributes: { VisibilityTimeout: "60" } }));
const sent = await client.send(new SendMessageBatchCommand({
  QueueUrl,
  Entries: ["one", "two", "three"].map((body, i) => ({
    Id: `m${i}`,
    MessageBody: body,
    MessageAttributes: {
      kind: { DataType: "String", StringValue: body },
      size: { DataType: "Number", StringValue: String(body.length) },
      raw: { DataType: "Binary", BinaryValue: new Uint8Array([i, 1, 2]) },
    },
  })),
}));

const received = [];
while (received.length < 3) {
  const { Messages = [] } = await client.send(new ReceiveMessageCommand({
    QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"],
  }));
  received.push(...Messages);
}

const waiting = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
await client.send(new SendMessageCommand({ QueueUrl, MessageBody: "late" }));
const late = (await waiting).Messages ?? [];

const first = received[0];
await client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }));
const again = (await client.send(new ReceiveMessageCommand({
  QueueUrl, WaitTimeSeconds: 5, MessageSystemAttributeNames: ["ApproximateReceiveCount"],
}))).Messages ?? [];

const deleted = await client.send(new DeleteMessageBatchCommand({
  QueueUrl,
  Entries: [...received.slice(1), ...late, ...again].map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
}));
await client.send(new SendMessageCommand({ QueueUrl, MessageBody: "purged" }));
const beforePurge = (await client.send(new GetQueueAttributesCommand({
  QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"],
}))).Attributes;
await client.send(new PurgeQueueCommand({ QueueUrl }));
const attributes = (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))).Attributes;
const listed = (await client.send(new ListQueuesCommand({}))).QueueUrls;
const dlqUrl = (await client.send(new GetQueueUrlCommand({ QueueName: "conduit-turns-dlq" }))).QueueUrl;
let missing;
try {
  await client.send(new GetQueueUrlCommand({ QueueName: "no-such-queue" }));
} catch (error) {
  missing = error.name;
}

console.log(JSON.stringify({
  queueUrl: QueueUrl,
  sentIds: sent.Successful.map(e => e.Id).sort(),
  failed: sent.Failed?.length ?? 0,
  bodies: received.map(m => m.Body).sort(),
  kinds: received.map(m => m.MessageAttributes?.kind?.StringValue).sort(),
  rawFirstByte: received.map(m => m.MessageAttributes?.raw?.BinaryValue?.[0]).sort(),
  receiveCount: received.map(m => m.Attributes?.ApproximateReceiveCount),
  late: late.map(m => m.Body),
  againBody: again.map(m => m.Body),
  againCount: again.map(m => m.Attributes?.ApproximateReceiveCount),
  deleted: deleted.Successful.length,
  deleteFailed: deleted.Failed?.length ?? 0,
  beforePurge: beforePurge.ApproximateNumberOfMessages,
  afterPurge: attributes.ApproximateNumberOfMessages,
  notVisible: attributes.ApproximateNumberOfMessagesNotVisible,
  visibilityTimeout: attributes.VisibilityTimeout,
  queueArn: attributes.QueueArn,
  listed,
  dlqUrl,
  missing,
}));
