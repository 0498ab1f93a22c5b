// Drives the host's @connections API with the official AWS SDK for JavaScript v3 client, as a worker Lambda on AWS
// would: post a frame to a connection, read the connection back, close it, then post to it once more. Prints one JSON
// object of what it saw; exits non-zero, with the SDK's error, when an unexpected call fails.
// Usage: node scripts/connections.mjs <endpoint with stage> <connectionId>
import {
  ApiGatewayManagementApiClient, PostToConnectionCommand, GetConnectionCommand, DeleteConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";

const [endpoint, connectionId] = process.argv.slice(2);
const client = new ApiGatewayManagementApiClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID, secretAccessKey: process.env.EDGE_SECRET },
  maxAttempts: 1,
});

const frame = JSON.stringify({ type: "status", phase: "js-sdk", message: "Posted by the AWS SDK for JavaScript" });
await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(frame) }));
const described = await client.send(new GetConnectionCommand({ ConnectionId: connectionId }));
await client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
let afterDelete = "delivered";
try {
  await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(frame) }));
} catch (error) {
  afterDelete = error.name;
}

console.log(JSON.stringify({
  connectedAtIsDate: described.ConnectedAt instanceof Date,
  lastActiveAtIsDate: described.LastActiveAt instanceof Date,
  sourceIp: described.Identity?.SourceIp ?? null,
  afterDelete,
}));
