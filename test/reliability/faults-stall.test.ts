// F16 (reliability.md §5.3): a synchronous ~500 ms event-loop stall in the live server while calls
// are in flight. The server runs in this process, so a busy loop here blocks it exactly as a slow
// synchronous handler would; the loop runs inside the model's request (the fake model shares the
// process), which is when turns of other calls are waiting too. Expected: every turn is still
// answered by the model (no apology, no fallback), the turns after the stall are normal, every turn
// is stored once. The test measures the stall itself with monitorEventLoopDelay, so a run where the
// injection did not happen fails; the server must report it on GET /health (event_loop), and it
// logs a warning when its measuring window closes.
import { Writable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createContainer, type Container } from '../../src/container.js';
import { buildApp } from '../../src/http/app.js';
import { loggerOptions } from '../../src/logger.js';
import { TwilioSimulator } from '../../src/simulator/twilio-simulator.js';
import type { FastifyInstance } from 'fastify';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { supportModelScript } from '../fakes/support-model-script.js';
import { openRelayCall } from './support/relay-call.js';

const PUBLIC_URL = 'https://voice.example.test';
const AUTH_TOKEN = 'stall-auth-token-0a1b2c';
const ACCOUNT_SID = `AC${'6'.repeat(32)}`;
const STALL_MS = 500;
/** Model requests (1-based) during which the process is blocked. */
const STALL_ON_REQUESTS = new Set([6, 20]);
const GATHER_CALLS = 6;
const RELAY_CALLS = 2;
const LINES = [
  'Hi, my laptop will not start',
  'My name is Ana Lima',
  "it's ana.lima@example.com",
  'yes',
  'is there anything else I should try',
];
/** What the caller hears when a turn fails or runs out of time: none of it may be heard. */
const APOLOGY = /trouble|say that again|repeat that|call again later/i;

const lines: string[] = [];
let container: Container;
let app: FastifyInstance;
let url: string;
let model: FakeOpenAiServer;
let modelRequests = 0;
let stalls = 0;

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Deliberately synchronous: nothing else in the process runs meanwhile.
  }
}

beforeAll(async () => {
  model = await startFakeOpenAiServer({
    script: (body) => {
      modelRequests += 1;
      if (STALL_ON_REQUESTS.has(modelRequests)) {
        stalls += 1;
        busyWait(STALL_MS);
      }
      return supportModelScript(body);
    },
  });
  const config = loadConfig(
    {
      DATA_DIR: ':memory:',
      LOG_LEVEL: 'info',
      ADMIN_API_KEY: 'stall-admin-key-0123456789abcdef',
      PUBLIC_URL,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      RECORD_CALLS: 'false',
      LLM_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: `${model.url}/v1`,
      LLM_MODEL: 'support-sim',
    },
    '',
  );
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  container = await createContainer(config, { logger: pino(loggerOptions('info'), sink), role: 'server' });
  app = await buildApp(container);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await container?.close();
  await model?.close();
});

it('F16: two 500 ms event-loop stalls during 8 calls: every turn answered by the model and stored once', async () => {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const simulator = new TwilioSimulator({
    serverUrl: url,
    publicUrl: PUBLIC_URL,
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
  });
  const turnMs: { afterStalls: boolean; ms: number }[] = [];
  const timed = async <T>(turn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await turn();
    turnMs.push({ afterStalls: stalls === STALL_ON_REQUESTS.size, ms: performance.now() - started });
    return result;
  };

  const gather = Array.from({ length: GATHER_CALLS }, async (_, n) => {
    const call = await simulator.callAgent({
      agentId: 'customer-support-001',
      caller: `+1415555${String(4000 + n)}`,
      ourNumber: '+14155550100',
    });
    const heard: string[] = [];
    for (const line of LINES) {
      await timed(() => call.say(line));
      heard.push(call.hear());
    }
    return { call, heard };
  });
  const relay = Array.from({ length: RELAY_CALLS }, async (_, n) => {
    const opened = await openRelayCall({
      simulator,
      serverUrl: url,
      publicUrl: PUBLIC_URL,
      authToken: AUTH_TOKEN,
      agentId: 'customer-support-001',
      to: `+1415555${String(5000 + n)}`,
    });
    const heard: string[] = [];
    for (const line of LINES) heard.push((await timed(() => opened.client.prompt(line))).text);
    await opened.client.close();
    return { call: opened.call, heard };
  });
  const calls = await Promise.all([...gather, ...relay]);
  loop.disable();

  // The stalls happened, in this process, while turns were in flight.
  expect(stalls).toBe(STALL_ON_REQUESTS.size);
  expect(loop.max / 1e6).toBeGreaterThanOrEqual(STALL_MS * 0.9);

  for (const { call, heard } of calls) {
    expect(heard).toHaveLength(LINES.length);
    for (const reply of heard) {
      expect(reply.trim().length, `${call.callSid}: ${heard.join(' | ')}`).toBeGreaterThan(0);
      expect(reply, `${call.callSid}: ${heard.join(' | ')}`).not.toMatch(APOLOGY);
    }
    // The last reply is the model's, after both stalls: the calls recovered.
    expect(heard.at(-1)).toMatch(/anything else|technician|help/i);
    expect(call.applicationErrors).toEqual([]);
    const turns = await container.callStore.listTurns(call.callSid);
    const said = turns.map((turn) => turn.caller_text).filter((text) => text !== undefined);
    expect(said).toEqual(LINES);
  }
  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  const healthBody = (await health.json()) as Record<string, unknown>;
  // The stall is visible to an operator and a load balancer.
  expect((healthBody.event_loop as { max_ms: number }).max_ms).toBeGreaterThanOrEqual(STALL_MS * 0.9);
  const loopRecords = lines.filter((line) => /event.?loop|loop.?delay|\blag\b|blocked/i.test(line));
  const during = turnMs.filter((turn) => !turn.afterStalls).map((turn) => turn.ms);
  const after = turnMs.filter((turn) => turn.afterStalls).map((turn) => turn.ms);
  console.info(
    `[F16] ${stalls} stalls of ${STALL_MS} ms (measured max event-loop delay ${Math.round(loop.max / 1e6)} ms) ` +
      `during ${GATHER_CALLS} Gather + ${RELAY_CALLS} relay calls, ${turnMs.length} turns: all answered by the ` +
      `model and stored once; slowest turn up to the last stall ${Math.round(Math.max(...during))} ms, after it ` +
      `${Math.round(Math.max(0, ...after))} ms. Reported by the server: /health fields ` +
      `[${Object.keys(healthBody).join(', ')}], ${loopRecords.length} of ${lines.length} log lines mention it`,
  );
});
