// Reads an execution's history with the official AWS SDK for JavaScript v3 Step Functions client, as a user would,
// and prints, for each event, its type and the details member the SDK parsed it into, so a test sees the history
// through AWS's own model. Exits non-zero, with the SDK's error, when the call fails.
// Usage: node scripts/sfn-lambda-history.mjs <endpoint> <executionArn>
import { SFNClient, GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";

const [endpoint, executionArn] = process.argv.slice(2);
const client = new SFNClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID ?? "AKIDNODETEST", secretAccessKey: process.env.EDGE_SECRET ?? "secret" },
  maxAttempts: 1,
});

const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
console.log(JSON.stringify(history.events.map(event => {
  const members = Object.keys(event).filter(name => name.endsWith("EventDetails"));
  return { type: event.type, members, details: members.length === 1 ? event[members[0]] : null };
})));
