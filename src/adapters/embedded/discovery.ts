import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateFolder, PRIVATE_FILE_MODE } from './private-folder.js';

// The process that holds DATA_DIR's embedded database (dynalite's LevelDB lock) owns this record: it
// records its loopback endpoints here, and a second process (the CLI while the server runs)
// connects to them instead of opening the folder. Only the owner writes or removes the record, so a
// process that merely shares the database can never leave it pointing at a dead pid.

export interface Discovery {
  pid: number;
  /** What holds the database: a server (long-lived) or a command, which exits within minutes. */
  role?: 'server' | 'cli';
  dynamodb_endpoint?: string;
  s3_endpoint?: string;
  /** A loopback URL of the server, for the CLI. */
  server_url?: string;
  /** The server's PUBLIC_URL: Twilio signatures must cover it. */
  public_url?: string;
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
  makePrivateFolder(dataDir);
  const temporary = `${discoveryPath(dataDir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  await rename(temporary, discoveryPath(dataDir));
}

function withoutUndefined(record: Discovery): Discovery {
  for (const key of Object.keys(record) as (keyof Discovery)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

/**
 * Makes `pid` the owner, replacing any record. Only for the process that has just taken the
 * database's lock: whatever record is there belongs to a process that no longer holds it.
 */
export async function claimDiscovery(
  dataDir: string,
  fields: Partial<DiscoveryFields>,
  pid: number = process.pid,
): Promise<Discovery> {
  const record = withoutUndefined({ ...fields, pid, updated_at: new Date().toISOString() });
  await writeAtomically(dataDir, record);
  return record;
}

/**
 * Merges `patch` into the record `pid` owns, or starts a record when no live process owns one; a
 * field set to undefined is removed. Returns undefined, writing nothing, when another live process
 * owns the record.
 */
export async function writeDiscovery(
  dataDir: string,
  patch: Partial<DiscoveryFields>,
  pid: number = process.pid,
): Promise<Discovery | undefined> {
  const previous = await readDiscovery(dataDir);
  if (previous && previous.pid !== pid) return undefined;
  const { pid: _pid, updated_at: _updatedAt, ...kept } = previous ?? { pid, updated_at: '' };
  return claimDiscovery(dataDir, { ...kept, ...patch }, pid);
}

/** Removes the record when `pid` owns it; returns whether it did. */
export async function clearDiscovery(dataDir: string, pid: number = process.pid): Promise<boolean> {
  const record = await readRaw(dataDir);
  if (!record || record.pid !== pid) return false;
  await rm(discoveryPath(dataDir), { force: true });
  return true;
}

/** Drops fields from our record, and the whole record when nothing but the role is left in it. */
export async function releaseDiscovery(
  dataDir: string,
  fields: keyof DiscoveryFields | (keyof DiscoveryFields)[],
  pid: number = process.pid,
): Promise<void> {
  const record = await readRaw(dataDir);
  if (!record || record.pid !== pid) return;
  const dropped = new Set<string>(Array.isArray(fields) ? fields : [fields]);
  const { pid: _pid, updated_at: _updatedAt, role: _role, ...rest } = record;
  const left = Object.entries(rest).filter(([key, value]) => !dropped.has(key) && value !== undefined);
  if (left.length === 0) await clearDiscovery(dataDir, pid);
  else await writeDiscovery(dataDir, Object.fromEntries([...dropped].map((key) => [key, undefined])), pid);
}

/** Who holds the data folder, for messages: "voice-agent serve (pid 123, http://127.0.0.1:3000)". */
export function describeHolder(record: Discovery | undefined): string {
  if (!record) return 'another process';
  if (record.role === 'server')
    return `voice-agent serve (pid ${record.pid}${record.server_url ? `, ${record.server_url}` : ''})`;
  if (record.role === 'cli') return `a voice-agent command (pid ${record.pid})`;
  return `a voice-agent process (pid ${record.pid})`;
}
