// The life of an embedded server's child process (dynalite-host.mjs, s3rver-host.mjs), started by
// child-server.ts with one JSON argument: it opens the server, reports { type: 'ready', port, … } or
// { type: 'failed', reason, message } over the IPC channel, and lives exactly as long as its parent.
// Plain JavaScript, so it starts without a TypeScript loader (tsx adds ~200 ms and ~35 MB).
//
// It ends when asked ({ type: 'close' }) or when the IPC channel closes, which the kernel does when
// the parent dies, even by kill -9; either way it closes the server first (LevelDB flushed and
// unlocked, a temporary folder removed). It ignores SIGINT and SIGTERM: Ctrl-C and a service manager
// signal the whole process group, and the parent still needs its server while it finishes in-flight
// work before exiting.

/**
 * Sends a message to the parent; resolves once it is written (or when there is no parent left).
 * @param {Record<string, unknown>} message
 * @returns {Promise<void>}
 */
const report = (message) =>
  new Promise((done) => (process.connected && process.send ? process.send(message, () => done()) : done()));

/**
 * @typedef {{ ready: Record<string, unknown> & { port: number }, close: () => Promise<void> }} Opened
 * @typedef {{ failed: { reason: string, message: string } }} Refused
 */

/**
 * Runs `open` with the settings the parent passed, and the process around it.
 * @param {string} label the server's name in messages, as "embedded S3"
 * @param {(settings: any) => Promise<Opened | Refused>} open
 */
export async function hostServer(label, open) {
  const settings = JSON.parse(process.argv[2] ?? '{}');
  /** @type {Promise<Opened | Refused | undefined> | undefined} */
  let opening;
  let closing = false;

  function closeAndExit() {
    if (closing) return;
    closing = true;
    // A server still opening is closed once open: what it made (a temporary folder) goes with it.
    void (opening ?? Promise.resolve(undefined))
      .then((opened) => (opened && 'close' in opened ? opened.close() : undefined))
      .then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`${label}: close failed: ${error?.message ?? error}\n`);
          process.exit(1);
        },
      );
  }

  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.on('disconnect', closeAndExit);
  process.on('message', (message) => {
    if (message?.type === 'close') closeAndExit();
  });
  if (!process.connected) return closeAndExit();

  /** @param {any} error */
  const refuse = async (error) => {
    await report({ type: 'failed', reason: 'unopenable', message: String(error?.message ?? error) });
    process.exit(1);
  };
  // Some servers throw where open cannot catch it (s3rver emits a listen error with no listener).
  process.once('uncaughtException', refuse);
  opening = open(settings).catch(refuse);
  const opened = await opening;
  process.off('uncaughtException', refuse);
  if (closing || !opened) return;
  if ('failed' in opened) {
    await report({ type: 'failed', ...opened.failed });
    closeAndExit();
  } else {
    await report({ type: 'ready', ...opened.ready });
  }
}
