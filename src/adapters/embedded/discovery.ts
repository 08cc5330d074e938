import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// The first process to open DATA_DIR runs the embedded servers and records their loopback
// endpoints here; a second process (the CLI while the server runs) connects to them instead of
// opening the folder, which dynalite's LevelDB lock forbids.

export interface Discovery {
  pid: number;
  dynamodb_endpoint?: string;
  s3_endpoint?: string;
  server_url?: string;
  updated_at: string;
}

export type DiscoveryFields = Omit<Discovery, 'pid' | 'updated_at'>;

export const DISCOVERY_FILE = 'embedded.json';

export function discoveryPath(dataDir: string): string {
  return join(dataDir, DISCOVERY_FILE);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readRaw(dataDir: string): Promise<Discovery | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(discoveryPath(dataDir), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Discovery;
    return Number.isInteger(record.pid) && record.pid > 0 ? record : undefined;
  } catch {
    return undefined; // absent, or torn by a crash: treated as no record
  }
}

/** The record, when the process that wrote it is still alive. */
export async function readDiscovery(dataDir: string): Promise<Discovery | undefined> {
  const record = await readRaw(dataDir);
  return record && isProcessAlive(record.pid) ? record : undefined;
}

async function writeAtomically(dataDir: string, record: Discovery): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const temporary = `${discoveryPath(dataDir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, discoveryPath(dataDir));
}

/**
 * Merges `patch` into the record and makes this process its owner. Call it only for a service this
 * process runs. Fields of a live previous owner are kept (readers probe every endpoint before use);
 * a field set to undefined is removed.
 */
export async function writeDiscovery(
  dataDir: string,
  patch: Partial<DiscoveryFields>,
  pid: number = process.pid,
): Promise<Discovery> {
  const previous = await readDiscovery(dataDir);
  const { pid: _pid, updated_at: _updatedAt, ...kept } = previous ?? { pid, updated_at: '' };
  const record: Discovery = { ...kept, ...patch, pid, updated_at: new Date().toISOString() };
  for (const key of Object.keys(record) as (keyof Discovery)[]) {
    if (record[key] === undefined) delete record[key];
  }
  await writeAtomically(dataDir, record);
  return record;
}

/** Removes the record when `pid` owns it; returns whether it did. */
export async function clearDiscovery(dataDir: string, pid: number = process.pid): Promise<boolean> {
  const record = await readRaw(dataDir);
  if (!record || record.pid !== pid) return false;
  await rm(discoveryPath(dataDir), { force: true });
  return true;
}

/** Drops one field from our record, and the whole record when nothing is left in it. */
export async function releaseDiscovery(
  dataDir: string,
  field: keyof DiscoveryFields,
  pid: number = process.pid,
): Promise<void> {
  const record = await readRaw(dataDir);
  if (!record || record.pid !== pid) return;
  const { pid: _pid, updated_at: _updatedAt, [field]: _dropped, ...rest } = record;
  if (Object.values(rest).every((value) => value === undefined)) await clearDiscovery(dataDir, pid);
  else await writeDiscovery(dataDir, { [field]: undefined }, pid);
}
