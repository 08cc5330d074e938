import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDiscovery } from './discovery.js';
import { DataFolderInUseError } from './dynalite.js';
import { openEmbeddedDynamoForServer } from './server-dynamo.js';
import { holdFolder } from './test-support.js';

let dataDir: string;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'server-dynamo-'));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('openEmbeddedDynamoForServer', () => {
  it('owns a free folder and records itself as its server', async () => {
    const own = await openEmbeddedDynamoForServer(dataDir, { waitMs: 0 });
    closers.push(own.close);
    expect(own.shared).toBe(false);
    expect(await readDiscovery(dataDir)).toMatchObject({
      pid: process.pid,
      role: 'server',
      dynamodb_endpoint: own.endpoint,
    });
    await own.close();
    closers.pop();
    expect(await readDiscovery(dataDir)).toBeUndefined();
  });

  it('never shares a command’s database: it waits for the command to finish, then owns the folder', async () => {
    const command = await holdFolder(dataDir, 'cli');
    closers.push(command.kill);
    const waits: string[] = [];
    const opening = openEmbeddedDynamoForServer(dataDir, {
      waitMs: 60_000,
      pollMs: 50,
      onWait: (message) => {
        waits.push(message);
        void command.kill();
      },
    });
    const own = await opening;
    closers.push(own.close);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toContain(`in use by a voice-agent command (pid ${command.pid}); waiting up to 60 s`);
    expect(own.shared).toBe(false);
    expect(own.endpoint).not.toBe(command.endpoint);
    expect(await readDiscovery(dataDir)).toMatchObject({ pid: process.pid, role: 'server' });
  });

  it('refuses, naming the command, when it does not finish in time', async () => {
    const command = await holdFolder(dataDir, 'cli');
    closers.push(command.kill);
    const error = await openEmbeddedDynamoForServer(dataDir, { waitMs: 300, pollMs: 50 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFolderInUseError);
    expect((error as Error).message).toContain(`still in use by a voice-agent command (pid ${command.pid})`);
    // The command keeps its folder and its record.
    expect(await readDiscovery(dataDir)).toMatchObject({ pid: command.pid, role: 'cli' });
  });

  it('refuses at once when another server holds the folder, and leaves its record alone', async () => {
    const server = await holdFolder(dataDir, 'server');
    closers.push(server.kill);
    const onWait = (message: string) => expect.unreachable(message);
    const error = await openEmbeddedDynamoForServer(dataDir, { waitMs: 60_000, onWait }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFolderInUseError);
    expect((error as Error).message).toContain(`in use by voice-agent serve (pid ${server.pid})`);
    expect(await readDiscovery(dataDir)).toMatchObject({ pid: server.pid, role: 'server' });
  });
});
