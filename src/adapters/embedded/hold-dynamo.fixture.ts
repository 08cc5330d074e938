// Test fixture run as a child process: opens the embedded DynamoDB on a data folder, prints its
// endpoint, and holds the folder until killed.
import { connectOrStartEmbeddedDynamo } from './dynalite.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hold-dynamo.fixture.ts DATA_DIR');
const dynamo = await connectOrStartEmbeddedDynamo(dataDir);
process.stdout.write(`${JSON.stringify({ endpoint: dynamo.endpoint, shared: dynamo.shared })}\n`);
setInterval(() => {}, 60_000);
