// dynalite (in memory) in its own process for the micro-benchmarks, so the CPU a client spends is
// measured apart from the server's.
import { startEmbeddedDynamo } from '../../src/adapters/embedded/dynalite.js';
import { serveAsBenchChild } from './serve-child.js';

const dynamo = await startEmbeddedDynamo();
serveAsBenchChild(dynamo.endpoint, () => dynamo.close());
