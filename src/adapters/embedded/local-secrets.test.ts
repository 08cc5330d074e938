import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLocalSecrets } from './local-secrets.js';

const base = {
  ADMIN_API_KEY: undefined,
  TWILIO_ACCOUNT_SID: undefined,
  TWILIO_AUTH_TOKEN: undefined,
  WEBHOOK_SECRET: undefined,
};

describe('loadLocalSecrets', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates DATA_DIR 0700, and an admin key, a local Twilio pair and a signing secret once (0600)', () => {
    const dir = join(tempDir(), 'data');
    const first = loadLocalSecrets({ ...base, DATA_DIR: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(first).toMatchObject({ adminKeySource: 'file', adminKeyCreated: true, twilioSource: 'local' });
    expect(first.adminApiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.twilioAccountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(first.twilioAuthToken).toMatch(/^[0-9a-f]{32}$/);
    expect(first.adminKeyPath).toBe(join(dir, 'admin-api-key'));
    expect(readFileSync(first.adminKeyPath!, 'utf8').trim()).toBe(first.adminApiKey);
    for (const file of ['admin-api-key', 'local-twilio.json', 'signing-secret']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    const second = loadLocalSecrets({ ...base, DATA_DIR: dir });
    expect(second).toEqual({ ...first, adminKeyCreated: false });
  });

  it('prefers settings from the environment', () => {
    const secrets = loadLocalSecrets({
      DATA_DIR: tempDir(),
      ADMIN_API_KEY: 'from-env-0123456789',
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      WEBHOOK_SECRET: 'webhook-secret',
    });
    expect(secrets).toMatchObject({
      adminApiKey: 'from-env-0123456789',
      adminKeySource: 'env',
      twilioSource: 'env',
      twilioAuthToken: 'token',
      signingSecret: 'webhook-secret',
    });
    expect(secrets.adminKeyPath).toBeUndefined();
  });

  it('keeps everything in memory for DATA_DIR=:memory:', () => {
    const a = loadLocalSecrets({ ...base, DATA_DIR: ':memory:' });
    const b = loadLocalSecrets({ ...base, DATA_DIR: ':memory:' });
    expect(a.adminKeySource).toBe('memory');
    expect(a.adminApiKey).not.toBe(b.adminApiKey);
  });
});
