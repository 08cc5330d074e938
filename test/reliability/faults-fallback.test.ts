// F1, F2 and F5 with a fallback model (reliability.md §5.3): two fake OpenAI-compatible servers, a
// failing primary and a healthy fallback, through the real provider adapter (LLM_FALLBACK_*). The
// caller hears the fallback's answer in the same turn; after LLM_BREAKER_FAILURES failures the
// primary's circuit opens and no request reaches it until the cool-down ends and a probe succeeds.
// An agent whose fallback is turned off hears the apology at once while the circuit is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Turn } from '../../src/domain/call.js';
import type { SimulatedCall } from '../../src/simulator/twilio-simulator.js';
import {
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type FakeScript,
} from '../fakes/fake-openai-server.js';
import { startLiveServer, type LiveServer } from '../support/live-server.js';

const PRIMARY_REPLY = 'This is the primary model. What else can I do?';
const FALLBACK_REPLY = 'This is the fallback model. What else can I do?';
const APOLOGY = "Sorry, I'm having trouble right now. Could you repeat that?";
const COOL_DOWN_MS = 1_500;
const PRIMARY = 'openai-compatible:primary-model';

let primary: FakeOpenAiServer;
let fallback: FakeOpenAiServer;
let server: LiveServer;
// What the primary does when no script is queued.
let primaryDoes: FakeScript = { text: PRIMARY_REPLY };

beforeAll(async () => {
  primary = await startFakeOpenAiServer({ script: () => primaryDoes });
  fallback = await startFakeOpenAiServer({ script: () => ({ text: FALLBACK_REPLY }) });
  server = await startLiveServer({
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'primary-model',
    OPENAI_COMPATIBLE_BASE_URL: `${primary.url}/v1`,
    LLM_FALLBACK_PROVIDER: 'openai-compatible',
    LLM_FALLBACK_MODEL: 'fallback-model',
    LLM_FALLBACK_BASE_URL: `${fallback.url}/v1`,
    LLM_BREAKER_FAILURES: '2',
    LLM_BREAKER_COOLDOWN_MS: String(COOL_DOWN_MS),
    TURN_TIMEOUT_MS: '2500',
    LLM_TIMEOUT_MS: '800',
  });
});
afterAll(async () => {
  await server?.close();
  await primary?.close();
  await fallback?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lastTurn(call: SimulatedCall): Promise<Turn> {
  const turns = await server.container.callStore.listTurns(call.callSid);
  return turns.at(-1)!;
}

function report(name: string, ms: number, turn: Turn) {
  console.info(
    `[F1] ${name} | line heard after ${Math.round(ms)} ms | model ${turn.model ?? '-'} | ${turn.model_error ?? ''}`,
  );
}

async function say(call: SimulatedCall, text: string, name: string) {
  const started = performance.now();
  await call.say(text);
  const turn = await lastTurn(call);
  report(name, performance.now() - started, turn);
  expect(call.applicationErrors).toEqual([]);
  expect(call.ended).toBe(false);
  return turn;
}

describe('a fallback model behind a failing primary (Gather)', () => {
  let call: SimulatedCall;
  let fallbackLabel: string;
  beforeAll(async () => {
    fallbackLabel = `openai-compatible@${new URL(fallback.url).host}:fallback-model`;
    call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550123',
      to: '+14155550100',
    });
  });

  it('mentions the fallback in GET /health', async () => {
    const health = await server.app.inject({ method: 'GET', url: '/health' });
    expect(health.json().mode.llm).toBe(`${PRIMARY}, fallback ${fallbackLabel}`);
  });

  it('primary HTTP 500: the fallback answers the same turn', async () => {
    primary.reset();
    fallback.reset();
    primary.enqueue({ status: 500 });
    const turn = await say(call, 'My laptop will not start', 'primary 500');
    expect(call.hear()).toBe(FALLBACK_REPLY);
    expect(primary.requests).toHaveLength(1);
    expect(fallback.requests).toHaveLength(1);
    expect(turn).toMatchObject({ agent_text: FALLBACK_REPLY, model: fallbackLabel });
    expect(turn.model_error).toMatch(/^openai-compatible:primary-model: HTTP 500/);
    expect(turn.input_tokens).toBeGreaterThan(0);
    const detail = await server.app.inject({
      method: 'GET',
      url: `/calls/${call.callSid}`,
      headers: server.auth,
    });
    expect(detail.json().transcript.at(-1)).toMatchObject({ model: fallbackLabel, agent: FALLBACK_REPLY });
    expect(turn.model_latency_ms).toBeGreaterThanOrEqual(0);
    // The primary is fine again: the next turn is its own.
    const next = await say(call, 'Thanks', 'primary back');
    expect(call.hear()).toBe(PRIMARY_REPLY);
    expect(next.model).toBe(PRIMARY);
    expect(next.model_error).toBeUndefined();
  });

  it('primary hangs: its request is aborted and the fallback answers within the budget', async () => {
    primary.reset();
    fallback.reset();
    primary.enqueue({ hang: true });
    const turn = await say(call, 'Are you there?', 'primary hangs');
    expect(call.hear()).toBe(FALLBACK_REPLY);
    await primary.waitUntil(() => primary.requests[0]?.aborted === true);
    expect(turn.model).toBe(fallbackLabel);
    expect(turn.model_error).toMatch(/no first token within \d+ ms/);
    // A success closes the count of consecutive failures again.
    await say(call, 'Thanks', 'primary back');
    expect(call.hear()).toBe(PRIMARY_REPLY);
  });

  it('the circuit opens after 2 failures: no request reaches the primary until a probe closes it', async () => {
    primary.reset();
    fallback.reset();
    primaryDoes = { status: 503 };
    for (let i = 1; i <= 2; i += 1) {
      await say(call, `Question ${i}`, 'primary 503');
      expect(call.hear()).toBe(FALLBACK_REPLY);
    }
    expect(primary.requests).toHaveLength(2);
    for (let i = 3; i <= 5; i += 1) {
      const turn = await say(call, `Question ${i}`, 'circuit open');
      expect(call.hear()).toBe(FALLBACK_REPLY);
      expect(turn.model_error).toBe(`${PRIMARY}: circuit open, model skipped`);
    }
    expect(primary.requests).toHaveLength(2);
    expect(fallback.requests).toHaveLength(5);

    primaryDoes = { text: PRIMARY_REPLY };
    await sleep(COOL_DOWN_MS);
    const probe = await say(call, 'Question 6', 'half-open probe');
    expect(call.hear()).toBe(PRIMARY_REPLY);
    expect(probe.model).toBe(PRIMARY);
    await say(call, 'Question 7', 'closed again');
    expect(call.hear()).toBe(PRIMARY_REPLY);
    expect(primary.requests).toHaveLength(3 + 1);
    expect(fallback.requests).toHaveLength(5);
  });
});

describe('an agent with its fallback turned off (llm.fallback.provider "scripted")', () => {
  let call: SimulatedCall;
  beforeAll(async () => {
    const patched = await server.app.inject({
      method: 'PATCH',
      url: '/agents/default',
      headers: server.auth,
      payload: { llm: { fallback: { provider: 'scripted' } } },
    });
    expect(patched.statusCode).toBe(200);
    call = await server.simulator.startCall({
      direction: 'inbound',
      from: '+14155550124',
      to: '+14155550100',
    });
  });
  afterAll(() => {
    primaryDoes = { text: PRIMARY_REPLY };
  });

  it('once the circuit is open, apologises without asking the model or waiting for a timeout', async () => {
    primary.reset();
    fallback.reset();
    primaryDoes = { hang: true };
    // Two first-token timeouts in one turn: the apology, and the circuit opens.
    await say(call, 'My laptop will not start', 'primary hangs, no fallback');
    expect(call.hear()).toBe(APOLOGY);
    expect(primary.requests).toHaveLength(2);

    const turn = await say(call, 'Hello?', 'circuit open, no fallback');
    expect(call.hear()).toBe(APOLOGY);
    expect(primary.requests).toHaveLength(2);
    expect(fallback.requests).toHaveLength(0);
    expect(turn.model_error).toBe(`${PRIMARY}: circuit open, model skipped`);
    expect(turn.model).toBeUndefined();
  });
});
