import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clearDiscovery,
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
    expect(record.dynamodb_endpoint).toBeUndefined();
    expect(record.pid).toBe(process.pid);
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
    await releaseDiscovery(dataDir, 's3_endpoint');
    expect(await readdir(dataDir)).toEqual([]);
  });
});
