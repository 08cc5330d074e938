// dynalite (the embedded DynamoDB) in its own process, off the server's event loop: started by
// dynalite-process.ts with one JSON argument ({ path?, createTableMs }), it answers on 127.0.0.1 and
// reports { type: 'ready', port } or { type: 'failed', reason, message } over the IPC channel.
// Plain JavaScript, so it starts without a TypeScript loader (tsx adds ~200 ms and ~35 MB).
//
// It lives exactly as long as its parent: it ends when asked ({ type: 'close' }) or when the IPC
// channel closes, which the kernel does when the parent dies, even by kill -9; either way it closes
// dynalite first, which flushes and unlocks the LevelDB folder. It ignores SIGINT and SIGTERM: Ctrl-C
// and a service manager signal the whole process group, and the parent still needs its database
// while it finishes in-flight work before exiting.
import dynalite from 'dynalite';
import { createRequire } from 'node:module';

const options = JSON.parse(process.argv[2] ?? '{}');

/**
 * Sends a message to the parent; resolves once it is written (or when there is no parent left).
 * @param {Record<string, unknown>} message
 * @returns {Promise<void>}
 */
const report = (message) =>
  new Promise((done) => (process.connected && process.send ? process.send(message, () => done()) : done()));

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

/** @type {import('node:http').Server | undefined} */
let server;
let closing = false;

function closeAndExit() {
  if (closing) return;
  closing = true;
  if (!server) process.exit(0);
  // dynalite's close waits for pending database operations, then closes LevelDB.
  server.close((error) => {
    if (error) process.stderr.write(`embedded DynamoDB: close failed: ${error.message}\n`);
    process.exit(error ? 1 : 0);
  });
}

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.on('disconnect', closeAndExit);
process.on('message', (message) => {
  if (message?.type === 'close') closeAndExit();
});
if (!process.connected) closeAndExit();

const problem = options.path ? await folderProblem(options.path) : undefined;
if (problem) {
  await report({ type: 'failed', ...problem });
  closeAndExit();
} else if (!closing) {
  server = dynalite({
    createTableMs: options.createTableMs,
    ...(options.path ? { path: options.path } : {}),
  });
  server.once('error', async (error) => {
    await report({ type: 'failed', reason: 'unopenable', message: error.message });
    process.exit(1);
  });
  server.listen(0, '127.0.0.1', () => void report({ type: 'ready', port: server?.address()?.port }));
}
