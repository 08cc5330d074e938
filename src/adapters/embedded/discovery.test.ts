import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDiscovery,
  clearDiscovery,
  describeHolder,
  discoveryPath,
  readDiscovery,
  releaseDiscovery,
  writeDiscovery,
} from './discovery.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'discovery-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

describe('discovery', () => {
  it('writes, merges and reads back the record of a live process, leaving no temp file', async () => {
    expect(await readDiscovery(dataDir)).toBeUndefined();
    await writeDiscovery(dataDir, { dynamodb_endpoint: 'http://127.0.0.1:1' });
    await writeDiscovery(dataDir, { s3_endpoint: 'http://127.0.0.1:2' });
    const record = await readDiscovery(dataDir);
    expect(record).toMatchObject({
      pid: process.pid,
      dynamodb_endpoint: 'http://127.0.0.1:1',
      s3_endpoint: 'http://127.0.0.1:2',
    });
    expect(Date.parse(record!.updated_at)).not.toBeNaN();
    expect(await readdir(dataDir)).toEqual(['embedded.json']);
  });

  it('ignores the record of a dead process, and a torn file', async () => {
    await writeDiscovery(dataDir, { dynamodb_endpoint: 'http://127.0.0.1:1' }, deadPid());
    expect(await readDiscovery(dataDir)).toBeUndefined();
    await writeFile(discoveryPath(dataDir), '{"pid": 12');
    expect(await readDiscovery(dataDir)).toBeUndefined();
  });

  it('a new owner does not inherit the fields of a dead one', async () => {
    await writeDiscovery(dataDir, { dynamodb_endpoint: 'http://127.0.0.1:1' }, deadPid());
    const record = await writeDiscovery(dataDir, { s3_endpoint: 'http://127.0.0.1:2' });
    expect(record?.dynamodb_endpoint).toBeUndefined();
    expect(record?.pid).toBe(process.pid);
  });

  it('never writes over the record of another live process; the lock holder claims it', async () => {
    const other = process.ppid; // alive: the process that started this one
    await writeDiscovery(dataDir, { role: 'server', server_url: 'http://127.0.0.1:3' }, other);
    expect(await writeDiscovery(dataDir, { server_url: 'http://127.0.0.1:4' })).toBeUndefined();
    await releaseDiscovery(dataDir, 'server_url');
    expect(await readDiscovery(dataDir)).toMatchObject({ pid: other, server_url: 'http://127.0.0.1:3' });

    // The process that has just taken the database's lock replaces whatever is there.
    await claimDiscovery(dataDir, { role: 'cli', dynamodb_endpoint: 'http://127.0.0.1:5' });
    const claimed = await readDiscovery(dataDir);
    expect(claimed).toMatchObject({ pid: process.pid, role: 'cli', dynamodb_endpoint: 'http://127.0.0.1:5' });
    expect(claimed?.server_url).toBeUndefined();
  });

  it('names the holder for messages', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(describeHolder({ pid: 7, role: 'server', server_url: 'http://127.0.0.1:3', updated_at: at })).toBe(
      'voice-agent serve (pid 7, http://127.0.0.1:3)',
    );
    expect(describeHolder({ pid: 8, role: 'cli', updated_at: at })).toBe('a voice-agent command (pid 8)');
    expect(describeHolder(undefined)).toBe('another process');
  });

  it('clears only its own record', async () => {
    await writeDiscovery(dataDir, { server_url: 'http://127.0.0.1:3' });
    expect(await clearDiscovery(dataDir, process.pid + 1)).toBe(false);
    expect(await readDiscovery(dataDir)).toBeDefined();
    expect(await clearDiscovery(dataDir)).toBe(true);
    expect(await readDiscovery(dataDir)).toBeUndefined();
  });

  it('releases one field, and the file with the last one', async () => {
    await writeDiscovery(dataDir, {
      dynamodb_endpoint: 'http://127.0.0.1:1',
      s3_endpoint: 'http://127.0.0.1:2',
    });
    await releaseDiscovery(dataDir, 'dynamodb_endpoint');
    const record = await readDiscovery(dataDir);
    expect(record?.dynamodb_endpoint).toBeUndefined();
    expect(record?.s3_endpoint).toBe('http://127.0.0.1:2');
    await writeDiscovery(dataDir, {
      role: 'server',
      server_url: 'http://127.0.0.1:3',
      public_url: 'https://x',
    });
    await releaseDiscovery(dataDir, ['server_url', 'public_url']);
    expect(await readDiscovery(dataDir)).toMatchObject({ s3_endpoint: 'http://127.0.0.1:2' });
    await releaseDiscovery(dataDir, 's3_endpoint');
    expect(await readdir(dataDir)).toEqual([]);
  });
});
