// Sign-in that cannot lock out the owner (issue 12, item 5), against real servers over HTTP: a
// client sending wrong admin keys (Bearer or dashboard sign-in) is asked to wait longer each time
// (429 + Retry-After), while the right key keeps working, from any address, that one included.
// X-Forwarded-For decides who the client is only from a proxy TRUST_PROXY names. Signing out
// revokes the session in the shared store: the old cookie gets 401 on every instance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClients, createTables } from '../../src/adapters/dynamodb/index.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../src/adapters/embedded/dynalite.js';
import { loadConfig } from '../../src/config.js';
import { WRONG_KEY_BACKOFF } from '../../src/http/auth.js';
import { CSRF_HEADER, CSRF_VALUE, SESSION_COOKIE } from '../../src/http/dashboard-session.js';
import { TEST_ADMIN_KEY } from '../../src/http/testing.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const FREE = WRONG_KEY_BACKOFF.freeFailures;
const ATTACKER = '198.51.100.23';
const OWNER = '203.0.113.5';

interface Answer {
  status: number;
  retryAfter: string | null;
  cookie?: string;
}

async function answer(response: Response): Promise<Answer> {
  await response.arrayBuffer();
  const cookie = /va_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    ...(cookie ? { cookie } : {}),
  };
}

const bearer = (server: LiveServer, key: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/agents?limit=1`, { headers: { ...headers, authorization: `Bearer ${key}` } }).then(
    answer,
  );

const signIn = (server: LiveServer, key: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/dashboard/session`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  }).then(answer);

const withCookie = (cookie: string) => ({ cookie: `${SESSION_COOKIE}=${cookie}` });

describe('wrong admin keys without TRUST_PROXY: the connection is the client', () => {
  let server: LiveServer;
  beforeAll(async () => {
    server = await startLiveServer();
  });
  afterAll(() => server?.close());

  it('backs off a client guessing Bearer keys, whatever X-Forwarded-For it claims; the right key still works', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < FREE + 4; i += 1) {
      // A new forged address each time: ignored, so it cannot buy a fresh count.
      answers.push(await bearer(server, `guess-${i}`, { 'x-forwarded-for': `192.0.2.${i + 1}` }));
    }
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(FREE).fill(401), 429, 429, 429, 429]);
    expect(answers.slice(FREE).map((a) => a.retryAfter)).toEqual(['1', '2', '4', '8']);

    // The owner, at the same address, during the attack: both ways in work at once.
    expect((await bearer(server, TEST_ADMIN_KEY)).status).toBe(200);
    const session = await signIn(server, TEST_ADMIN_KEY);
    expect(session.status).toBe(204);
    expect(session.cookie).toBeDefined();

    // Sign-in and Bearer share the count: the next wrong key at sign-in waits longer still.
    const typed = await signIn(server, 'another-guess');
    expect(typed).toMatchObject({ status: 429, retryAfter: '16' });
    expect((await bearer(server, TEST_ADMIN_KEY)).status).toBe(200);
  });
});

describe('wrong admin keys behind a trusted proxy (TRUST_PROXY)', () => {
  let server: LiveServer;
  beforeAll(async () => {
    // The test connects from 127.0.0.1: that is the load balancer.
    server = await startLiveServer({ TRUST_PROXY: '127.0.0.1/32' });
  });
  afterAll(() => server?.close());

  it('counts each client the proxy names: the attacker waits, the owner is not touched', async () => {
    const attacker = { 'x-forwarded-for': ATTACKER };
    const answers: Answer[] = [];
    for (let i = 0; i < FREE + 2; i += 1) answers.push(await signIn(server, `guess-${i}`, attacker));
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(FREE).fill(401), 429, 429]);
    expect(answers.at(-1)?.retryAfter).toBe('2');

    // Another user behind the same balancer: a typo is a plain 401, the right key signs in.
    const owner = { 'x-forwarded-for': OWNER };
    expect(await signIn(server, 'typo', owner)).toMatchObject({ status: 401, retryAfter: null });
    expect((await signIn(server, TEST_ADMIN_KEY, owner)).status).toBe(204);
    expect((await bearer(server, TEST_ADMIN_KEY, owner)).status).toBe(200);
  });

  it('reads the client the proxy saw, not what the client wrote in front of it', async () => {
    // A balancer appends the address it saw; an attacker may put anything before it.
    const answers: Answer[] = [];
    for (let i = 0; i < 3; i += 1) {
      answers.push(
        await bearer(server, `guess-${i}`, { 'x-forwarded-for': `192.0.2.${i + 1}, ${ATTACKER}` }),
      );
    }
    // Still the attacker's count from the first test, still growing.
    expect(answers.map((a) => a.status)).toEqual([429, 429, 429]);
    expect(answers.map((a) => a.retryAfter)).toEqual(['4', '8', '16']);
  });
});

describe('sign-out across two instances sharing one store', () => {
  let dynamo: EmbeddedDynamo;
  const servers: LiveServer[] = [];
  const folders: string[] = [];

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    const env = { DYNAMODB_ENDPOINT: dynamo.endpoint, WEBHOOK_SECRET: 'shared-webhook-secret-0123456789' };
    const { client } = createDynamoClients({ endpoint: dynamo.endpoint });
    await createTables(client, loadConfig(env, '').tables);
    client.destroy();
    for (let i = 0; i < 2; i += 1) {
      const dataDir = mkdtempSync(join(tmpdir(), 'voice-agent-instance-'));
      folders.push(dataDir);
      servers.push(await startLiveServer(env, { dataDir }));
    }
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    await dynamo?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('an old cookie gets 401 on every instance once signed out on one', async () => {
    const [first, second] = servers as [LiveServer, LiveServer];
    const { cookie } = await signIn(first, TEST_ADMIN_KEY);
    expect(cookie).toBeDefined();
    const agents = (server: LiveServer) =>
      fetch(`${server.url}/agents`, { headers: withCookie(cookie!) }).then(answer);
    // A stateless session: either instance takes it.
    expect((await agents(first)).status).toBe(200);
    expect((await agents(second)).status).toBe(200);

    const signOut = await fetch(`${second.url}/dashboard/session`, {
      method: 'DELETE',
      headers: { ...withCookie(cookie!), [CSRF_HEADER]: CSRF_VALUE },
    });
    expect(signOut.status).toBe(204);

    expect((await agents(first)).status).toBe(401);
    expect((await agents(second)).status).toBe(401);
    const state = await fetch(`${first.url}/dashboard/session`, { headers: withCookie(cookie!) });
    expect(await state.json()).toEqual({ signed_in: false });
    // Signing in again gives a new session that works everywhere.
    const again = await signIn(first, TEST_ADMIN_KEY);
    expect(again.cookie).not.toBe(cookie);
    expect((await fetch(`${second.url}/agents`, { headers: withCookie(again.cookie!) })).status).toBe(200);
  });
});
