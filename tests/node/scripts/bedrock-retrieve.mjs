// Drives the host's Bedrock Agent Runtime Retrieve with the official AWS SDK for JavaScript v3 client over the local
// knowledge base. Prints one JSON object of what it saw; exits non-zero, with the SDK's error, when the good call
// fails. Usage: node scripts/bedrock-retrieve.mjs <endpoint> <knowledgeBaseId> <query>
import { BedrockAgentRuntimeClient, RetrieveCommand } from "@aws-sdk/client-bedrock-agent-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const [endpoint, knowledgeBaseId, query] = process.argv.slice(2);
const client = new BedrockAgentRuntimeClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: process.env.EDGE_ACCESS_KEY_ID ?? "AKIDNODETEST", secretAccessKey: process.env.EDGE_SECRET ?? "secret" },
  maxAttempts: 1,
  // These clients default to an HTTP/2 handler, which needs TLS; the local endpoint is plain HTTP/1.1.
  requestHandler: new NodeHttpHandler(),
});

const retrieved = await client.send(new RetrieveCommand({
  knowledgeBaseId,
  retrievalQuery: { text: query },
  retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 3 } },
}));

let unknown;
try {
  await client.send(new RetrieveCommand({ knowledgeBaseId: "NOSUCHKB00", retrievalQuery: { text: query } }));
  unknown = { name: "none" };
} catch (error) {
  unknown = { name: error.name, status: error.$metadata?.httpStatusCode };
}

console.log(JSON.stringify({
  results: retrieved.retrievalResults.map(result => ({
    text: result.content.text,
    type: result.content.type,
    locationType: result.location.type,
    source: result.location.customDocumentLocation?.id,
    score: result.score,
    title: result.metadata?.["x-amz-bedrock-kb-title"],
  })),
  nextToken: retrieved.nextToken ?? null,
  unknown,
}));
