// voice-agent as an operator runs it, reached only through what an operator and Twilio see: settings
// in the environment, `voice-agent db create-tables` and `serve`, the admin API, Twilio's webhooks and
// the relay socket. Nothing here imports the server's modules, so the harness keeps working whatever
// they are called. Its store is dynalite in a process of its own (DynamoDB over the network, the
// production shape), or the embedded default (no DYNAMODB_ENDPOINT: the server runs it itself).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProcess, type Tracked } from './processes.js';
import type { TwilioAccount } from './twilio-side.js';

export type StoreShape = 'dynamo' | 'embedded';

export interface OurServerOptions {
  store: StoreShape;
  transport: 'relay' | 'gather';
  /** The fake model's base URL (…/v1); without one the scripted policy answers. */
  modelBaseUrl?: string;
  /** A folder of its own for data, logs and (with cpuProfile) the profile. */
  dir: string;
  /** Run the server with `node --cpu-prof`; the profile is written into `dir` when it stops. */
  cpuProfile?: boolean;
}

export interface OurServer {
  url: string;
  pid: number;
  /** dynalite's own process (store 'dynamo'). */
  storePid?: number;
  account: TwilioAccount;
  agentNumber: string;
  /** The bench tags ("bench 3x2") of the caller turns stored for a call, read through the admin API. */
  storedTags(callSid: string): Promise<Set<string>>;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/voice-agent.mjs');
const AGENT_ID = 'bench-side-by-side';
const AGENT_NUMBER = '+14155550188';
const TAG = /bench \d+x\d+/g;

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** Only what a shell on a clean machine has: the harness's own settings must not leak into the server. */
export function cleanEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const env: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...settings };
}

const tail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').slice(-1_500);
  } catch {
    return '';
  }
};

/** Polls `check` until it is true; fails early when the process exits, with its log's tail. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  process: Tracked,
  logFile: string,
  timeoutMs = 180_000,
): Promise<void> {
  let exited: number | string | undefined;
  void process.exited.then((code) => (exited = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${what} exited (${exited}):\n${tail(logFile)}`);
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1_000} s:\n${tail(logFile)}`);
}

async function startDynalite(dir: string): Promise<{ endpoint: string; process: Tracked }> {
  const port = await freePort();
  const logFile = join(dir, 'dynalite.log');
  const cli = createRequire(import.meta.url).resolve('dynalite/cli.js');
  const started = startProcess(
    process.execPath,
    [cli, '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'],
    { cpu: 1, env: cleanEnv({}), logFile },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  // Any HTTP answer means it listens (it refuses a bare GET with 400).
  await waitUntil('dynalite', async () => (await fetch(endpoint)).status > 0, started, logFile);
  return { endpoint, process: started };
}

async function run(args: string[], env: NodeJS.ProcessEnv, cwd: string, logFile: string): Promise<void> {
  const command = startProcess(process.execPath, [CLI, ...args], { env, cwd, logFile });
  const code = await command.exited;
  if (code !== 0) throw new Error(`voice-agent ${args.join(' ')} exited ${code}:\n${tail(logFile)}`);
}

export async function startOurServer(options: OurServerOptions): Promise<OurServer> {
  mkdirSync(options.dir, { recursive: true });
  const account: TwilioAccount = {
    accountSid: `AC${randomBytes(16).toString('hex')}`,
    authToken: randomBytes(16).toString('hex'),
    publicUrl: 'https://bench.example.test',
  };
  const adminKey = randomBytes(24).toString('hex');
  const port = await freePort();
  const store = options.store === 'dynamo' ? await startDynalite(options.dir) : undefined;
  const settings: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: join(options.dir, 'data'),
    PUBLIC_URL: account.publicUrl,
    ADMIN_API_KEY: adminKey,
    WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    TWILIO_ACCOUNT_SID: account.accountSid,
    TWILIO_AUTH_TOKEN: account.authToken,
    TWILIO_VALIDATE_SIGNATURES: 'true',
    // Nothing to copy: the harness plays no recording callbacks.
    RECORD_CALLS: 'false',
    // A filler line ("One moment…") would pass for the model's first text, and the harness's callers
    // do not play the agent's speech, so its silence clock would end calls that think for 8–12 s.
    RELAY_FILLER_MS: '10000',
    RELAY_IDLE_MS: '60000',
    ...(options.modelBaseUrl
      ? {
          LLM_PROVIDER: 'openai-compatible',
          OPENAI_COMPATIBLE_BASE_URL: options.modelBaseUrl,
          OPENAI_COMPATIBLE_API_KEY: 'bench-key',
          LLM_MODEL: 'bench-model',
        }
      : { LLM_PROVIDER: 'none' }),
    ...(store
      ? {
          DYNAMODB_ENDPOINT: store.endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
        }
      : {}),
  };
  const env = cleanEnv(settings);
  const logFile = join(options.dir, 'server.log');
  const stopStore = () => store?.process.stop() ?? Promise.resolve();
  let server: Tracked | undefined;
  try {
    // The working directory is the server's own, so no .env of the checkout is read.
    if (store) await run(['db', 'create-tables'], env, options.dir, join(options.dir, 'create-tables.log'));
    server = startProcess(
      process.execPath,
      [...(options.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', options.dir] : []), CLI, 'serve'],
      { cpu: 0, env, cwd: options.dir, logFile },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitUntil('voice-agent serve', async () => (await fetch(`${url}/health`)).ok, server, logFile);
    const admin = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    };
    await admin('POST', '/agents', {
      agent_id: AGENT_ID,
      name: 'Side-by-side benchmark agent',
      prompt: 'Answer questions about the weather.',
      voice: 'Polly.Joanna-Neural',
      language: 'en-US',
      greeting: 'Hello! Ask me about the weather.',
      transport: options.transport,
      max_call_seconds: 14_400,
      // Gather with the scripted policy: an email the caller never gives, so the policy asks again on
      // every turn and the call never ends by itself.
      ...(options.transport === 'gather'
        ? { data_to_fill: [{ name: 'email', type: 'email', required: true }] }
        : {}),
    });
    await admin('PUT', `/phone-numbers/${encodeURIComponent(AGENT_NUMBER)}`, { agent_id: AGENT_ID });
    const running = server;
    return {
      url,
      pid: server.pid,
      ...(store ? { storePid: store.process.pid } : {}),
      account,
      agentNumber: AGENT_NUMBER,
      async storedTags(callSid) {
        const response = await fetch(`${url}/calls/${callSid}`, {
          headers: { authorization: `Bearer ${adminKey}` },
        });
        if (response.status === 404) return new Set();
        if (!response.ok) throw new Error(`GET /calls/${callSid}: ${response.status}`);
        const call = (await response.json()) as { transcript?: { caller?: string }[] };
        return new Set((call.transcript ?? []).flatMap((turn) => turn.caller?.match(TAG) ?? []));
      },
      async stop() {
        await running.stop();
        await stopStore();
      },
    };
  } catch (error) {
    await server?.stop();
    await stopStore();
    throw error;
  }
}
