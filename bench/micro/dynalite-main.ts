// dynalite (in memory) in its own process for the micro-benchmarks, so the CPU a client spends is
// measured apart from the server's. Speaks bench/child.ts's protocol: {type:'ready', url}, then 'stop'.
import { startEmbeddedDynamo } from '../../src/adapters/embedded/dynalite.js';

const dynamo = await startEmbeddedDynamo();
process.on('message', (raw) => {
  const message = raw as { id?: number; type?: string };
  if (message.type !== 'stop') return;
  void dynamo.close().then(() => {
    process.send?.({ id: message.id, ok: true });
    process.exit(0);
  });
});
process.send?.({ type: 'ready', url: dynamo.endpoint });
