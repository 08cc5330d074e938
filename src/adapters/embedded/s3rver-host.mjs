// s3rver (the embedded S3) in its own process, so neither its requests nor its modules (Koa, lodash,
// winston: ~8 MB of heap) burden the server's event loop and collections; started by s3rver.ts with
// { directory?, port }. It answers on 127.0.0.1, silently. Without a directory it keeps objects in a
// temporary folder of its own, reported as `temporary` and removed whenever the process exits by
// itself (closed, refused, or its parent gone); the parent removes it after a crash. The process's
// life (readiness, the parent's death, signals) is child-host.mjs's.
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { hostServer } from './child-host.mjs';

await hostServer('embedded S3', async (options) => {
  let temporary;
  if (!options.directory) {
    // mkdtemp makes the folder 0700, as makePrivateFolder would.
    temporary = await mkdtemp(join(tmpdir(), 'voice-agent-s3-'));
    process.once('exit', () => rmSync(temporary, { recursive: true, force: true }));
  }
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory: options.directory ?? temporary,
    silent: true,
  });
  const address = await server.run();
  return {
    ready: { port: address.port, ...(temporary ? { temporary } : {}) },
    close: () => {
      // s3rver keeps its http.Server here; dropping keep-alive sockets lets close() finish at once.
      const done = server.close();
      server.httpServer?.closeAllConnections();
      return done;
    },
  };
});
