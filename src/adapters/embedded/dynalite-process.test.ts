import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoAnswers, startEmbeddedDynamo } from './dynalite.js';
import { ChildServerStartError } from './child-server.js';
import { startDynaliteProcess } from './dynalite-process.js';
import { holdFolder, isRunning } from './test-support.js';

let dataDir: string;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'dynalite-process-'));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await rm(dataDir, { recursive: true, force: true });
});

const endpoint = (port: number) => `http://127.0.0.1:${port}`;

describe('startDynaliteProcess', () => {
  it('serves from a child process, which ends when closed without counting as unexpected', async () => {
    const exits: string[] = [];
    const store = await startDynaliteProcess({ createTableMs: 0, onUnexpectedExit: (d) => exits.push(d) });
    expect(store.pid).not.toBe(process.pid);
    expect(isRunning(store.pid)).toBe(true);
    expect(await dynamoAnswers(endpoint(store.port))).toBe(true);

    await store.close();
    expect(isRunning(store.pid)).toBe(false);
    expect(await dynamoAnswers(endpoint(store.port))).toBe(false);
    expect(exits).toEqual([]);
    await store.close(); // a second close is a no-op
  });

  it('keeps serving through SIGINT and SIGTERM, which Ctrl-C and service managers send to the whole group', async () => {
    const store = await startDynaliteProcess({ createTableMs: 0 });
    closers.push(store.close);
    process.kill(store.pid, 'SIGINT');
    process.kill(store.pid, 'SIGTERM');
    expect(await dynamoAnswers(endpoint(store.port))).toBe(true);
    expect(isRunning(store.pid)).toBe(true);
  });

  it('reports a child that dies while in use', async () => {
    const exits: string[] = [];
    const store = await startDynaliteProcess({ createTableMs: 0, onUnexpectedExit: (d) => exits.push(d) });
    process.kill(store.pid, 'SIGKILL');
    await vi.waitFor(() => expect(exits).toEqual(['the embedded DynamoDB killed by SIGKILL']));
    await store.close(); // resolves at once: the child is gone
  });

  it('fails with reason "locked" on a folder another process holds', async () => {
    const owner = await startEmbeddedDynamo({ dataDir });
    closers.push(owner.close);
    const error = await startDynaliteProcess({ createTableMs: 0, path: join(dataDir, 'dynamodb') }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChildServerStartError);
    expect(error).toMatchObject({ reason: 'locked' });
  });

  it('ends with its parent, even one killed with kill -9, releasing the folder', async () => {
    const held = await holdFolder(dataDir);
    closers.push(held.kill);
    expect(held.storePid).toBeTypeOf('number');
    expect(isRunning(held.storePid!)).toBe(true);

    await held.kill();
    await vi.waitFor(() => expect(isRunning(held.storePid!)).toBe(false), { timeout: 10_000 });
    const own = await startEmbeddedDynamo({ dataDir });
    closers.push(own.close);
    expect(await dynamoAnswers(own.endpoint)).toBe(true);
  });
});
