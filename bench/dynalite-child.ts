// An in-memory dynalite in its own process, so a benchmark's CPU figures are its own.
import { startEmbeddedDynamo } from '../src/adapters/embedded/dynalite.js';

const dynamo = await startEmbeddedDynamo();
process.send?.({ type: 'ready', url: dynamo.endpoint });
process.on('message', (message: { type?: string; id?: number }) => {
  if (message.type === 'stop') void dynamo.close().then(() => process.exit(0));
});
