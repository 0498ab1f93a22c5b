// Drives the host's Bedrock Runtime (Converse, ConverseStream) with the official AWS SDK for JavaScript v3 client, as a
// user would. Prints one JSON object of what it saw; exits non-zero, with the SDK's error, when a call that should
// succeed fails. Usage: node scripts/bedrock-runtime.mjs <endpoint>
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const [endpoint] = process.argv.slice(2);
const client = new BedrockRuntimeClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID ?? "AKIDNODETEST", secretAccessKey: process.env.EDGE_SECRET ?? "secret" },
  maxAttempts: 1,
  // These clients default to an HTTP/2 handler, which needs TLS; the local endpoint is plain HTTP/1.1.
  requestHandler: new NodeHttpHandler(),
});
const modelId = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const request = {
  modelId,
  system: [{ text: "Answer briefly." }],
  messages: [{ role: "user", content: [{ text: "What is Conduit?" }] }],
  inferenceConfig: { maxTokens: 200, temperature: 0.5 },
};

const converse = await client.send(new ConverseCommand(request));
const converseText = converse.output.message.content.map(block => block.text ?? "").join("");

const streamed = await client.send(new ConverseStreamCommand(request));
const events = [];
let streamText = "";
let stopReason;
let usage;
let latencyMs;
for await (const event of streamed.stream) {
  const name = Object.keys(event)[0];
  events.push(name);
  if (event.contentBlockDelta) streamText += event.contentBlockDelta.delta.text ?? "";
  if (event.messageStop) stopReason = event.messageStop.stopReason;
  if (event.metadata) ({ usage, metrics: { latencyMs } } = event.metadata);
}

let badRequest;
try {
  await client.send(new ConverseCommand({
    modelId,
    messages: [{ role: "user", content: [{ image: { format: "png", source: { bytes: new Uint8Array([1, 2, 3]) } } }] }],
  }));
  badRequest = { name: "none" };
} catch (error) {
  badRequest = { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
}

console.log(JSON.stringify({
  converseText,
  converseRole: converse.output.message.role,
  converseStopReason: converse.stopReason,
  converseUsage: converse.usage,
  converseLatencyIsNumber: typeof converse.metrics?.latencyMs === "number",
  streamText,
  firstEvent: events[0],
  lastEvents: events.slice(-3),
  stopReason,
  usage,
  latencyIsNumber: typeof latencyMs === "number",
  badRequest,
}));
