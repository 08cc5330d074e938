// Secrets and files (issue 12, item 8): a real server started on a fresh DATA_DIR keeps it to its
// user (folders 0700, files 0600), tells where the admin key is without ever printing or logging it,
// and signs what it hands out with keys derived from the webhook secret, never with the secret.
import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/adapters/dynamodb/cursor.js';
import { loadConfig } from '../../src/config.js';
import { SESSION_COOKIE } from '../../src/http/dashboard-session.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { tempDir } from '../cli/run-cli.js';
import { captureLogs, type LogCapture } from '../support/log-capture.js';

const WEBHOOK_SECRET = 'webhook-secret-shared-with-the-receiver';
const mode = (path: string) => statSync(path).mode & 0o777;

describe('a server on a fresh DATA_DIR', () => {
  const dir = tempDir('voice-agent-secrets-');
  // Two levels that do not exist yet: the server creates both.
  const dataDir = join(dir.path, 'state', 'data');
  const printed: string[] = [];
  let logs: LogCapture;
  let server: RunningServer;
  let adminKey: string;

  beforeAll(async () => {
    logs = captureLogs('debug');
    const config = loadConfig(
      { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'debug', WEBHOOK_SECRET },
      '',
    );
    // As on a terminal: the server once printed a newly created key there.
    const wasTty = process.stdout.isTTY;
    process.stdout.isTTY = true;
    try {
      server = await startServer(config, {
        logger: logs.logger,
        print: (line) => printed.push(line),
        handleSignals: false,
      });
    } finally {
      process.stdout.isTTY = wasTty;
    }
    adminKey = readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    dir.remove();
  });

  it('creates DATA_DIR and its folders 0700, its files 0600', () => {
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dir.path, 'state'))).toBe(0o700);
    for (const folder of ['dynamodb', 's3']) expect(mode(join(dataDir, folder)), folder).toBe(0o700);
    // (With WEBHOOK_SECRET set there is no signing-secret file; local-secrets.test.ts checks it.)
    for (const file of ['admin-api-key', 'local-twilio.json', 'embedded.json'])
      expect(mode(join(dataDir, file)), file).toBe(0o600);
  });

  it('prints where the admin key is, never the key, and never logs it', async () => {
    const output = printed.join('\n');
    expect(output).toContain(join(dataDir, 'admin-api-key'));
    expect(output).not.toContain(adminKey);
    // A request with the key and a sign-in with it: logged at debug, the key nowhere.
    const headers = { authorization: `Bearer ${adminKey}` };
    expect((await fetch(`${server.url}/agents`, { headers })).status).toBe(200);
    const signIn = await fetch(`${server.url}/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: adminKey }),
    });
    expect(signIn.status).toBe(204);
    expect(logs.records.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs.records)).not.toContain(adminKey);
  });

  it('signs cursors with a key of their own: one signed with the webhook secret is refused', async () => {
    const headers = { authorization: `Bearer ${adminKey}` };
    const first = (await (await fetch(`${server.url}/agents?limit=1`, { headers })).json()) as {
      cursor?: string;
    };
    expect(first.cursor).toBeDefined();
    const own = await fetch(`${server.url}/agents?limit=1&cursor=${first.cursor}`, { headers });
    expect(own.status).toBe(200);
    // The same page position, signed by someone who knows only WEBHOOK_SECRET (the receiver).
    const payload = JSON.parse(Buffer.from(first.cursor!.split('.')[0]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = encodeCursor(WEBHOOK_SECRET, 'agents:status:active', payload);
    const refused = await fetch(`${server.url}/agents?limit=1&cursor=${forged}`, { headers });
    expect(refused.status).toBe(400);
  });

  it('signs dashboard sessions with neither the webhook secret nor the admin key as the key', async () => {
    const signIn = await fetch(`${server.url}/dashboard/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: adminKey }),
    });
    const token = /va_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1] ?? '';
    const [version, expiry, nonce] = token.split('.');
    const payload = `${version}.${expiry}.${nonce}`;
    for (const key of [WEBHOOK_SECRET, adminKey]) {
      const forged = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
      expect(forged).not.toBe(token);
      const answer = await fetch(`${server.url}/agents`, {
        headers: { cookie: `${SESSION_COOKIE}=${forged}` },
      });
      expect(answer.status).toBe(401);
    }
    const own = await fetch(`${server.url}/agents`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
    expect(own.status).toBe(200);
  });
});
