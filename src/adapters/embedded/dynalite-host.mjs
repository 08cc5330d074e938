// dynalite (the embedded DynamoDB) in its own process, off the server's event loop, started by
// dynalite-process.ts with { path?, createTableMs }; it answers on 127.0.0.1 on a free port. The
// process's life (readiness, the parent's death, signals) is child-host.mjs's.
import dynalite from 'dynalite';
import { createRequire } from 'node:module';
import { hostServer } from './child-host.mjs';

/**
 * Whether the LevelDB folder is free, tested with the `level` package dynalite itself depends on:
 * dynalite opens its database lazily, and a locked folder would crash on the first request instead.
 * @param {string} folder
 * @returns {Promise<{ reason: 'locked' | 'unopenable', message: string } | undefined>}
 */
async function folderProblem(folder) {
  const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = requireFromDynalite('level');
  const db = new Level(folder);
  try {
    await db.open();
  } catch (error) {
    const locked = error?.cause?.code === 'LEVEL_LOCKED';
    return { reason: locked ? 'locked' : 'unopenable', message: String(error?.cause ?? error) };
  }
  await db.close();
  return undefined;
}

await hostServer('embedded DynamoDB', async (options) => {
  const problem = options.path ? await folderProblem(options.path) : undefined;
  if (problem) return { failed: problem };
  const server = dynalite({
    createTableMs: options.createTableMs,
    ...(options.path ? { path: options.path } : {}),
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done(undefined));
  });
  return {
    ready: { port: server.address().port },
    // dynalite's close waits for pending database operations, then closes LevelDB.
    close: () => new Promise((done, fail) => server.close((error) => (error ? fail(error) : done()))),
  };
});
