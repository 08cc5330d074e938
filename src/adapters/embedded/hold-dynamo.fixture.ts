// Test fixture run as a child process: opens the embedded DynamoDB on a data folder as a command
// (or, with "server", records itself as a server), prints its endpoint, and holds the folder until
// killed.
import { connectOrStartEmbeddedDynamo } from './dynalite.js';

const [dataDir, role = 'cli'] = process.argv.slice(2);
if (!dataDir || (role !== 'cli' && role !== 'server'))
  throw new Error('usage: hold-dynamo.fixture.ts DATA_DIR [cli|server]');
const dynamo = await connectOrStartEmbeddedDynamo(dataDir, role);
const { endpoint, shared, pid: storePid } = dynamo;
process.stdout.write(`${JSON.stringify({ endpoint, shared, storePid })}\n`);
setInterval(() => {}, 60_000);
