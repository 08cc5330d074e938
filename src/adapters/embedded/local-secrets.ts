// Secrets for a local run that needs no setup: the admin API key, a local Twilio credential pair
// (so signature checks stay on and the built-in simulator signs with the same token), and the
// signing secret for outgoing webhooks (and, through derived keys, cursors and sessions). Each is
// created once under DATA_DIR (a 0700 folder; files 0600) and reused; a setting in the environment
// always wins.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { makePrivateFolder, PRIVATE_FILE_MODE } from './private-folder.js';

export interface LocalSecrets {
  adminApiKey: string;
  adminKeySource: 'env' | 'file' | 'memory';
  /** Where the generated key lives (absent when it comes from ADMIN_API_KEY or memory). */
  adminKeyPath?: string;
  /** True only on the start that created the key file (the server says so; it never prints the key). */
  adminKeyCreated: boolean;
  twilioAccountSid: string;
  twilioAuthToken: string;
  twilioSource: 'env' | 'local';
  signingSecret: string;
}

export const IN_MEMORY_DATA_DIR = ':memory:';

type SecretsConfig = Pick<
  Config,
  'DATA_DIR' | 'ADMIN_API_KEY' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'WEBHOOK_SECRET'
>;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Reads `path`, or creates it with `make()` when absent. `wx` makes two racing processes agree. */
function readOrCreate(path: string, make: () => string): { value: string; created: boolean } {
  try {
    return { value: readFileSync(path, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const value = make();
  try {
    writeFileSync(path, `${value}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    return { value, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { value: readFileSync(path, 'utf8').trim(), created: false };
  }
}

function localTwilio(dataDir: string | undefined): { sid: string; token: string } {
  const make = () => JSON.stringify({ account_sid: `AC${hex(16)}`, auth_token: hex(16) });
  const raw = dataDir ? readOrCreate(join(dataDir, 'local-twilio.json'), make).value : make();
  const parsed = JSON.parse(raw) as { account_sid: string; auth_token: string };
  return { sid: parsed.account_sid, token: parsed.auth_token };
}

export function loadLocalSecrets(config: SecretsConfig): LocalSecrets {
  const inMemory = config.DATA_DIR === IN_MEMORY_DATA_DIR;
  const dataDir = inMemory ? undefined : resolve(config.DATA_DIR);
  if (dataDir) makePrivateFolder(dataDir);

  let admin: Pick<LocalSecrets, 'adminApiKey' | 'adminKeySource' | 'adminKeyPath' | 'adminKeyCreated'>;
  if (config.ADMIN_API_KEY) {
    admin = { adminApiKey: config.ADMIN_API_KEY, adminKeySource: 'env', adminKeyCreated: false };
  } else if (dataDir) {
    const adminKeyPath = join(dataDir, 'admin-api-key');
    const { value, created } = readOrCreate(adminKeyPath, () => randomBytes(32).toString('base64url'));
    admin = { adminApiKey: value, adminKeySource: 'file', adminKeyPath, adminKeyCreated: created };
  } else {
    admin = {
      adminApiKey: randomBytes(32).toString('base64url'),
      adminKeySource: 'memory',
      adminKeyCreated: true,
    };
  }

  const twilioFromEnv = Boolean(config.TWILIO_AUTH_TOKEN);
  const local = twilioFromEnv && config.TWILIO_ACCOUNT_SID ? undefined : localTwilio(dataDir);
  const signingSecret =
    config.WEBHOOK_SECRET ??
    (dataDir ? readOrCreate(join(dataDir, 'signing-secret'), () => hex(32)).value : hex(32));

  return {
    ...admin,
    twilioAccountSid: config.TWILIO_ACCOUNT_SID ?? local!.sid,
    twilioAuthToken: config.TWILIO_AUTH_TOKEN ?? local!.token,
    twilioSource: twilioFromEnv ? 'env' : 'local',
    signingSecret,
  };
}
